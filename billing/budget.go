package billing

import (
	"math"
	"math/bits"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// NotificationType says whether a budget notification watches actual or
// forecasted cost (AWS Budgets' NotificationType).
type NotificationType string

const (
	Actual     NotificationType = "ACTUAL"
	Forecasted NotificationType = "FORECASTED"
)

// Notification is a threshold on a budget. The comparison is AWS's
// GREATER_THAN: it fires when cost first exceeds the threshold.
type Notification struct {
	NotificationType NotificationType
	// Percent of the budget limit (ThresholdType PERCENTAGE), or, if
	// Amount is non-zero, an absolute threshold (ABSOLUTE_VALUE).
	Percent int64
	Amount  Money
}

// Budget is a monthly cost budget on one account (AWS Budgets' COST budget
// with MONTHLY time unit). As in AWS Budgets, whose CostTypes.IncludeCredit
// defaults to true, the cost is net of the credits the account's plan
// applies (PlanCreditFree, PlanCreditPaid); other plans have none.
type Budget struct {
	BudgetName  string
	AccountID   string
	BudgetLimit Money
	// Services, if non-empty, restricts the budget to the usage cost of
	// those services (a CostFilter on Service); credits, which the ledger
	// applies to the whole bill, are then not counted.
	Services []string
	// ExcludeCredits watches the usage cost before credits
	// (CostTypes.IncludeCredit = false).
	ExcludeCredits bool
	Notifications  []Notification
	// OnAlert is called at the virtual instant a notification fires, from
	// the event loop, so a scenario can react (stop instances, ...).
	OnAlert func(Alert)
}

// Alert is a budget notification that fired.
type Alert struct {
	BudgetName       string
	AccountID        string
	Month            Month
	NotificationType NotificationType
	Threshold        Money
	// Cost is the actual (or forecast) cost when the alert fired.
	Cost Money
	At   sim.Time
}

type budgetState struct {
	b         Budget
	threshold []Money
	firedIn   []Month // month+1 in which each notification last fired; 0 = never
}

// watch is the per-account budget state.
//
// Exact evaluation re-prices the account's month, which is far too slow to
// do for every record, so between exact evaluations the watch keeps
// conservative bounds: each record adds at most quantity × the highest
// price of its usage type per raw unit (plus a nano-dollar of rounding),
// and running meters accrue at most rate × that price per second. A record
// triggers an exact evaluation only once the records since the last one
// could have used half the smallest margin to an ACTUAL threshold (or all
// of the margin to a FORECASTED one); a timer triggers one when the meters
// could have used the other half. Close to a threshold (search mode) every
// change is evaluated exactly and the crossing instant is found by
// bisection. So alerts stay exact while records cost O(1).
type watch struct {
	account string
	budgets []*budgetState
	dirty   bool
	timer   sim.Timer

	t0      sim.Time
	marginA int64 // nano-dollars left before the nearest ACTUAL threshold could be crossed; -1: none pending
	marginF int64 // same for FORECASTED
	addA    uint64
	addF    uint64
	search  bool
	end     sim.Time // end of t0's month: thresholds reset after it
}

// budgeting is a ledger's budgets, made with its first: the budgets in
// order of creation, the accounts to evaluate at the current instant
// (dirty; evalArmed once the evaluation is scheduled) and the alerts fired.
type budgeting struct {
	list      []*budgetState
	evalArmed bool
	dirty     []string
	alerts    []Alert
}

// CreateBudget starts watching an account's monthly cost. Notifications are
// evaluated immediately and then whenever the account's usage changes; an
// ACTUAL notification on a running meter fires at the exact instant the
// meter carries the cost over the threshold.
func (l *Ledger) CreateBudget(b Budget) error {
	if b.BudgetName == "" || b.AccountID == "" {
		return newErr(ErrInvalidBudget, "billing: a budget needs BudgetName and AccountID")
	}
	if l.bud == nil {
		l.bud = new(budgeting)
	}
	for _, bs := range l.bud.list {
		if bs.b.BudgetName == b.BudgetName && bs.b.AccountID == b.AccountID {
			return newErr(ErrInvalidBudget, "billing: budget %q already exists for account %s", b.BudgetName, b.AccountID)
		}
	}
	if b.BudgetLimit < 0 {
		return newErr(ErrInvalidBudget, "billing: negative budget limit %v", b.BudgetLimit)
	}
	bs := &budgetState{b: b, firedIn: make([]Month, len(b.Notifications))}
	for i, n := range b.Notifications {
		if n.NotificationType != Actual && n.NotificationType != Forecasted {
			return newErr(ErrInvalidBudget, "billing: notification %d: unknown type %q", i, n.NotificationType)
		}
		if n.Amount < 0 || n.Percent < 0 || (n.Amount == 0 && n.Percent == 0) {
			return newErr(ErrInvalidBudget, "billing: notification %d needs a positive Percent or Amount", i)
		}
		thr := n.Amount
		if thr == 0 {
			// Percent of the limit, rounded half up to a nano-dollar, in
			// 128 bits: limit × percent overflows int64 from a $92 million
			// limit at 100%, which must not wrap into a tiny threshold.
			hi, lo := bits.Mul64(uint64(b.BudgetLimit), uint64(n.Percent))
			lo, c := bits.Add64(lo, 50, 0)
			hi += c
			if hi >= 100 {
				return newErr(ErrInvalidBudget, "billing: notification %d: %d%% of %v is beyond the largest amount", i, n.Percent, b.BudgetLimit)
			}
			q, _ := bits.Div64(hi, lo, 100)
			if q > math.MaxInt64 {
				return newErr(ErrInvalidBudget, "billing: notification %d: %d%% of %v is beyond the largest amount", i, n.Percent, b.BudgetLimit)
			}
			thr = Money(q)
		}
		bs.threshold = append(bs.threshold, thr)
	}
	if l.watched == nil {
		l.watched = make(map[string]*watch)
	}
	w := l.watched[b.AccountID]
	if w == nil {
		w = &watch{account: b.AccountID}
		l.watched[b.AccountID] = w
	}
	w.budgets = append(w.budgets, bs)
	l.bud.list = append(l.bud.list, bs)
	l.touch(b.AccountID)
	return nil
}

// DeleteBudget stops a budget.
func (l *Ledger) DeleteBudget(accountID, name string) error {
	var list []*budgetState
	if l.bud != nil {
		list = l.bud.list
	}
	for i, bs := range list {
		if bs.b.BudgetName == name && bs.b.AccountID == accountID {
			l.bud.list = append(list[:i], list[i+1:]...)
			w := l.watched[accountID]
			for j, x := range w.budgets {
				if x == bs {
					w.budgets = append(w.budgets[:j], w.budgets[j+1:]...)
					break
				}
			}
			return nil
		}
	}
	return newErr(ErrInvalidBudget, "billing: no budget %q for account %s", name, accountID)
}

// Alerts returns the alerts fired so far, in order.
func (l *Ledger) Alerts() []Alert {
	if l.bud == nil {
		return nil
	}
	return append([]Alert(nil), l.bud.alerts...)
}

// touch notes that an account's cost may have changed at the current
// instant; its budgets are evaluated once, at this instant, after the
// current event (all records at one instant coalesce).
func (l *Ledger) touch(account string) {
	w := l.watched[account]
	if w == nil || w.dirty {
		return
	}
	w.dirty = true
	l.bud.dirty = append(l.bud.dirty, account)
	if !l.bud.evalArmed {
		l.bud.evalArmed = true
		l.env.At(l.env.Now(), l.evaluate)
	}
}

func (l *Ledger) evaluate() {
	l.bud.evalArmed = false
	for len(l.bud.dirty) > 0 {
		a := l.bud.dirty[0]
		l.bud.dirty = l.bud.dirty[1:]
		if w := l.watched[a]; w != nil {
			w.dirty = false
			l.evalAccount(w)
		}
	}
}

// noteRecord bounds what a record of quantity raw units at bound
// femto-dollars per raw unit can add to the watched account's cost, and
// asks for an exact evaluation if that could bring a threshold within
// reach (see watch).
func (l *Ledger) noteRecord(account string, quantity int64, bound uint64) {
	w := l.watched[account]
	if w == nil || w.dirty {
		return
	}
	if w.search || l.env.Now() >= w.end {
		l.touch(account)
		return
	}
	add := satAdd(satMulDiv(uint64(quantity), bound, 1_000_000), 2) // nano, rounding up, plus rounding of lines
	w.addA = satAdd(w.addA, add)
	if w.marginA >= 0 && w.addA > uint64(w.marginA)/2 {
		l.touch(account)
		return
	}
	if w.marginF >= 0 {
		// A record lifts the forecast by its cost extrapolated over the
		// month: × (month length / elapsed).
		now := l.env.Now()
		sp := spanOf(l.env, l.monthOf(now))
		f := satAdd(satMulDiv(add, uint64(sp.end-max(sp.start, 0)), uint64(forecastElapsed(sp, now))), 1)
		w.addF = satAdd(w.addF, f)
		if w.addF >= uint64(w.marginF) {
			l.touch(account)
		}
	}
}

func satAdd(a, b uint64) uint64 {
	s, c := bits.Add64(a, b, 0)
	if c != 0 {
		return math.MaxUint64
	}
	return s
}

// satMulDiv returns ceil(a*b/d), saturating.
func satMulDiv(a, b, d uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi >= d {
		return math.MaxUint64
	}
	q, r := bits.Div64(hi, lo, d)
	if r != 0 {
		q = satAdd(q, 1)
	}
	return q
}

// priceBound is an upper bound, in femto-dollars per raw unit, of what a
// raw unit of a usage type can cost: its highest tier price (or the
// caller's price) over its raw units per pricing unit in the shortest month.
func priceBound(rt *Rate, price Price) uint64 {
	p := price
	if p == 0 {
		for _, t := range rt.tiers {
			p = max(p, t.price)
		}
	}
	per := uint64(rt.PerUnit)
	if rt.Monthly {
		per *= 28 * 86400
	}
	if p <= 0 || per == 0 {
		return 0
	}
	return satMulDiv(uint64(p), 1, per)
}

// meterBound returns an upper bound on how fast the account's running
// meters accrue cost (femto-dollars per second) and, in nano-dollars, the
// extra a per-hour meter can add at once when it starts a new hour.
func (l *Ledger) meterBound(account string) (rate uint64, hourly int64) {
	for _, mi := range l.runningOf(account) {
		mt := &l.meters[mi]
		r := satMulDiv(uint64(mt.cur.rate), priceBound(l.dims[mt.base.dims].rate, mt.cur.price), 1)
		rate = satAdd(rate, r)
		if mt.gran == PerHour {
			hourly = min(hourly+int64(min(satMulDiv(r, 3600, 1_000_000), math.MaxInt64/8)), math.MaxInt64/4)
		}
	}
	return rate, hourly
}

// costAt is the account's month-m usage cost (before credits) with running
// meters accrued to t, restricted to services if given.
func (l *Ledger) costAt(account string, m Month, t sim.Time, services []string) Money {
	return l.usageCost(account, m, l.collect(account, m, t, nil, nil), services)
}

func (l *Ledger) evalAccount(w *watch) {
	now := l.env.Now()
	m := l.monthOf(now)
	sp := spanOf(l.env, m)
	w.timer.Stop()
	slack := int64(len(l.slotsIn(w.account, m)) + len(l.runningOf(w.account)) + 1)
	// Credits left for the month (zero off the credit plans). Net cost
	// grows no faster than usage cost, so the bounds below stay
	// conservative when budgets count credits.
	credits := l.creditsLeft(w.account, m)
	rate, hourly := l.meterBound(w.account)
	w.t0, w.addA, w.addF, w.search = now, 0, 0, false
	w.marginA, w.marginF = -1, -1
	type pending struct {
		bs   *budgetState
		thr  Money
		left Money
	}
	var actuals []pending
	for _, bs := range w.budgets {
		var actual, forecast Money
		haveA, haveF := false, false
		left := bs.credits(credits)
		for i, n := range bs.b.Notifications {
			if bs.firedIn[i] == m+1 {
				continue
			}
			thr := bs.threshold[i]
			var cost Money
			if n.NotificationType == Actual {
				if !haveA {
					actual, haveA = netOf(l.costAt(w.account, m, now, bs.b.Services), left), true
				}
				cost = actual
			} else {
				if !haveF {
					forecast, haveF = netOf(l.forecastAt(w.account, m, now, bs.b.Services), left), true
				}
				cost = forecast
			}
			if cost > thr {
				l.fire(bs, i, m, cost, now)
				continue
			}
			margin := max(int64(thr-cost)-slack, 0)
			if n.NotificationType == Actual {
				margin = max(margin-hourly, 0)
				if w.marginA < 0 || margin < w.marginA {
					w.marginA = margin
				}
				actuals = append(actuals, pending{bs, thr, left})
			} else if w.marginF < 0 || margin < w.marginF {
				w.marginF = margin
			}
		}
	}
	w.end = sp.end
	// Thresholds start afresh each month: running meters need an
	// evaluation then (records check the month themselves).
	next := sim.MaxTime
	if len(l.runningOf(w.account)) > 0 {
		next = sp.end
	}
	if len(actuals) > 0 && rate > 0 {
		// Whole seconds the meters need to use half the margin (rounded
		// down), less two for whole-second accrual. Far from the threshold
		// the next check comes then; within a minute of it, search.
		hi, lo := bits.Mul64(uint64(w.marginA)/2, 1_000_000)
		secs := int64(math.MaxInt32)
		if hi < rate {
			q, _ := bits.Div64(hi, lo, rate)
			secs = int64(min(q, math.MaxInt32))
		}
		secs -= 2
		if secs >= 60 {
			next = min(next, now.Add(time.Duration(secs)*time.Second))
		} else {
			// Close: find the crossing instants exactly within a window;
			// every change until then is evaluated exactly.
			w.search = true
			window := time.Duration(max(60, min(satMulDiv(satAdd(uint64(w.marginA), uint64(slack+hourly+1)), 4_000_000, rate), 86400))) * time.Second
			to := min(sp.end, now.Add(window))
			for _, p := range actuals {
				if t, ok := l.crossing(w.account, m, now, to, p.thr, p.bs.b.Services, p.left); ok {
					to = min(to, t)
				}
			}
			next = min(next, to)
		}
	}
	if next != sim.MaxTime {
		// A daemon timer: a pending check does not keep env.Run going (a
		// meter left running would otherwise never let it return);
		// RunUntil and other activity still run it at its instant.
		account := w.account
		w.timer = l.env.AtDaemon(next, func() { l.touch(account) })
	}
}

// crossing finds the first instant in (from, to] at which the month's cost
// with running meters accrued exceeds thr, by bisection: the cost is a
// non-decreasing step function of the instant (meters accrue whole
// seconds, free tier and tiers only ever add cost). Only the usage types
// the running meters can affect — their own, and those sharing a
// free-tier offer with them — are re-priced at each probe; the rest of the
// month's cost is fixed and computed once.
func (l *Ledger) crossing(account string, m Month, from, to sim.Time, thr Money, services []string, credits Money) (sim.Time, bool) {
	dyn := map[string]bool{}
	for _, mi := range l.runningOf(account) {
		dyn[l.dims[l.meters[mi].base.dims].rate.UsageType] = true
	}
	for changed := true; changed; {
		changed = false
		for _, o := range l.Offers(account, m) {
			hit := false
			for _, ut := range o.UsageTypes {
				hit = hit || dyn[ut]
			}
			for _, ut := range o.UsageTypes {
				if hit && !dyn[ut] {
					dyn[ut], changed = true, true
				}
			}
		}
	}
	isDyn := func(ut string) bool { return dyn[ut] }
	static := l.usageCost(account, m, l.collect(account, m, from, nil, func(ut string) bool { return !dyn[ut] }), services)
	cost := func(t sim.Time) Money { // net of credits: still non-decreasing
		return netOf(static+l.usageCost(account, m, l.collect(account, m, t, nil, isDyn), services), credits)
	}
	if cost(to) <= thr {
		return 0, false
	}
	lo, hi := from, to // cost(lo) <= thr < cost(hi)
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if cost(mid) > thr {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, true
}

// credits returns the credits a budget counts against its cost, given the
// account's credits left for the month.
func (bs *budgetState) credits(left Money) Money {
	if bs.b.ExcludeCredits || len(bs.b.Services) > 0 {
		return 0
	}
	return left
}

// netOf is a usage cost less the credits that apply to it (never below
// zero, as credits cover at most the usage).
func netOf(usage, credits Money) Money { return max(usage-min(credits, max(usage, 0)), 0) }

func (l *Ledger) fire(bs *budgetState, i int, m Month, cost Money, at sim.Time) {
	bs.firedIn[i] = m + 1
	n := bs.b.Notifications[i]
	a := Alert{BudgetName: bs.b.BudgetName, AccountID: bs.b.AccountID, Month: m, NotificationType: n.NotificationType,
		Threshold: bs.threshold[i], Cost: cost, At: at}
	l.bud.alerts = append(l.bud.alerts, a)
	if l.env.Tracing() {
		l.env.Emit(bs.b.AccountID, "billing.budget.alert", sim.F("budget", a.BudgetName), sim.F("type", string(a.NotificationType)),
			sim.F("threshold", a.Threshold.String()), sim.F("cost", a.Cost.String()))
	}
	if bs.b.OnAlert != nil {
		bs.b.OnAlert(a)
	}
}
