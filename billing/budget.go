package billing

import (
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
// with MONTHLY time unit). Cost is the usage cost before credits.
type Budget struct {
	BudgetName  string
	AccountID   string
	BudgetLimit Money
	// Services, if non-empty, restricts the budget to those services (a
	// CostFilter on Service).
	Services      []string
	Notifications []Notification
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
type watch struct {
	account string
	budgets []*budgetState
	dirty   bool
	timer   sim.Timer
}

// CreateBudget starts watching an account's monthly cost. Notifications are
// evaluated immediately and then whenever the account's usage changes; an
// ACTUAL notification on a running meter fires at the exact instant the
// meter carries the cost over the threshold.
func (l *Ledger) CreateBudget(b Budget) error {
	if b.BudgetName == "" || b.AccountID == "" {
		return newErr(ErrInvalidBudget, "billing: a budget needs BudgetName and AccountID")
	}
	for _, bs := range l.budgets {
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
			// Percent of the limit, rounded half up to a nano-dollar.
			thr = Money((int64(b.BudgetLimit)*n.Percent + 50) / 100)
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
	l.budgets = append(l.budgets, bs)
	l.touch(b.AccountID)
	return nil
}

// DeleteBudget stops a budget.
func (l *Ledger) DeleteBudget(accountID, name string) error {
	for i, bs := range l.budgets {
		if bs.b.BudgetName == name && bs.b.AccountID == accountID {
			l.budgets = append(l.budgets[:i], l.budgets[i+1:]...)
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
func (l *Ledger) Alerts() []Alert { return append([]Alert(nil), l.alerts...) }

// touch notes that an account's cost may have changed at the current
// instant; its budgets are evaluated once, at this instant, after the
// current event (all records at one instant coalesce).
func (l *Ledger) touch(account string) {
	w := l.watched[account]
	if w == nil || w.dirty {
		return
	}
	w.dirty = true
	l.dirty = append(l.dirty, account)
	if !l.evalArmed {
		l.evalArmed = true
		l.env.At(l.clk.Now(), l.evaluate)
	}
}

func (l *Ledger) evaluate() {
	l.evalArmed = false
	for len(l.dirty) > 0 {
		a := l.dirty[0]
		l.dirty = l.dirty[1:]
		if w := l.watched[a]; w != nil {
			w.dirty = false
			l.evalAccount(w)
		}
	}
}

// costAt is the account's month-m usage cost (before credits) with running
// meters accrued to t, restricted to services if given.
func (l *Ledger) costAt(account string, m Month, t sim.Time, services []string) Money {
	return l.usageCost(account, m, l.collect(account, m, t, nil, nil), services)
}

func (l *Ledger) evalAccount(w *watch) {
	now := l.clk.Now()
	m := l.monthOf(now)
	sp := spanOf(l.clk, m)
	w.timer.Stop()
	next := sim.MaxTime
	hasRunning := len(l.running[w.account]) > 0
	for _, bs := range w.budgets {
		var actual, forecast Money
		haveA, haveF := false, false
		for i, n := range bs.b.Notifications {
			if bs.firedIn[i] == m+1 {
				continue
			}
			thr := bs.threshold[i]
			var cost Money
			if n.NotificationType == Actual {
				if !haveA {
					actual, haveA = l.costAt(w.account, m, now, bs.b.Services), true
				}
				cost = actual
			} else {
				if !haveF {
					forecast, haveF = l.forecastAt(w.account, m, now, bs.b.Services), true
				}
				cost = forecast
			}
			if cost > thr {
				l.fire(bs, i, m, cost, now)
				continue
			}
			if n.NotificationType == Actual && hasRunning {
				if t, ok := l.crossing(w.account, m, now, sp.end, thr, bs.b.Services); ok {
					next = min(next, t)
				}
			}
		}
	}
	if hasRunning {
		// Running meters carry on into the next month, whose thresholds
		// start afresh.
		next = min(next, sp.end)
	}
	if next != sim.MaxTime {
		account := w.account
		w.timer = l.env.At(next, func() { l.touch(account) })
	}
}

// crossing finds the first instant in (from, to] at which the month's cost
// with running meters accrued exceeds thr, by bisection: the cost is a
// non-decreasing step function of the instant (meters accrue whole
// seconds, free tier and tiers only ever add cost). Only the usage types
// the running meters can affect — their own, and those sharing a
// free-tier offer with them — are re-priced at each probe; the rest of the
// month's cost is fixed and computed once.
func (l *Ledger) crossing(account string, m Month, from, to sim.Time, thr Money, services []string) (sim.Time, bool) {
	dyn := map[string]bool{}
	for _, mi := range l.running[account] {
		if rt, err := l.cat.Lookup(l.meters[mi].base.region, l.meters[mi].base.usageType); err == nil {
			dyn[rt.UsageType] = true
		}
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
	cost := func(t sim.Time) Money {
		return static + l.usageCost(account, m, l.collect(account, m, t, nil, isDyn), services)
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

func (l *Ledger) fire(bs *budgetState, i int, m Month, cost Money, at sim.Time) {
	bs.firedIn[i] = m + 1
	n := bs.b.Notifications[i]
	a := Alert{BudgetName: bs.b.BudgetName, AccountID: bs.b.AccountID, Month: m, NotificationType: n.NotificationType,
		Threshold: bs.threshold[i], Cost: cost, At: at}
	l.alerts = append(l.alerts, a)
	if l.env.Tracing() {
		l.env.Emit(bs.b.AccountID, "billing.budget.alert", sim.F("budget", a.BudgetName), sim.F("type", string(a.NotificationType)),
			sim.F("threshold", a.Threshold.String()), sim.F("cost", a.Cost.String()))
	}
	if bs.b.OnAlert != nil {
		bs.b.OnAlert(a)
	}
}
