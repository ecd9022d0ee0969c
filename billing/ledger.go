package billing

import (
	"hash/maphash"

	"github.com/nimbus-sim/nimbus/internal/keyed"
	"github.com/nimbus-sim/nimbus/sim"
)

// Ledger is the metering engine: services report usage to it (Record, and
// the timed meters StartTimed/StopTimed), and it prices that usage into
// invoices, cost reports, forecasts and budget alerts.
//
// A Ledger belongs to one sim.Env and, like it, is single-goroutine. The
// zero value is not usable: create ledgers with New.
// Nothing is priced when usage is recorded: Record only adds integers into
// a per-key accumulator; prices, free tier, tiers and rounding are applied
// when an invoice or report is asked for (and when budgets are evaluated).
type Ledger struct {
	env *sim.Env // the clock too: its methods are called directly, not through a sim.Clock
	cat *Catalog

	slots    slotStore
	index    slotIndex // key hash → slot (usage.go)
	span     monthSpan
	lastSlot int32 // index of the slot Record used last
	// rankedDims is how many dims rankLines last ranked.
	rankedDims uint32
	handles    []keyHandle
	// rates maps (region, usage type) to its resolved rate, which rateBuf
	// holds; it is made with dimsIndex (rateOf).
	rates   map[[2]string]*Rate
	rateBuf []Rate
	// dims are the interned dimensions of the ledger's keys (dimsOf);
	// recentDims the last few dimsOf answered, plus one, looked at first,
	// and dimsNext (below, with the other bytes) the one to replace. The
	// maps are made once there are more than scanDims dims.
	dims       []dimsEntry
	dimsIndex  map[dims]uint32
	lineDims   map[dims]uint32 // normalized dims → canonical dims (dimsEntry.canon)
	recentDims [4]uint32

	seed     maphash.Seed
	tagSets  []map[string]string
	tagIndex map[[2]uint64]uint32
	tagStrs  []string // canonical form of each tag set, filled lazily

	// accounts are the known accounts in order of first appearance (a
	// replication bills one or a few: they are scanned, and indexed in a
	// map only past keyed.ScanMax); a replication's one account is in
	// accountRoom.
	accounts    keyed.List[string, *account]
	accountRoom [1]*account // the accounts' first room (keyed.List.Room)
	defaultPlan Plan
	// planChosen: WithDefaultPlan was given, so SignUp leaves plans alone.
	planChosen bool
	dimsNext   uint8

	meters     []timedMeter
	freeMeters []uint32
	segs       []seg // runSegs's scratch

	// Budgets (see budget.go); watched and bud are nil until a budget
	// exists, so the hot path pays one nil check, and a ledger without
	// budgets (a replication's) has no room for their state: the Ledger
	// fits a 512-byte size class.
	watched map[string]*watch
	bud     *budgeting
}

// Option configures a Ledger.
type Option func(*Ledger)

// WithDefaultPlan sets the free-tier plan of accounts not configured with
// SetAccount (PlanAlwaysFree by default). It is an explicit choice for
// every such account: SignUp then leaves their plans alone.
func WithDefaultPlan(p Plan) Option {
	return func(l *Ledger) { l.defaultPlan, l.planChosen = p, true }
}

// New returns a ledger for env priced by cat (DefaultCatalog() if nil).
func New(env *sim.Env, cat *Catalog, opts ...Option) *Ledger {
	if env == nil {
		panic("billing: New with nil env")
	}
	if cat == nil {
		cat = DefaultCatalog()
	}
	// The maps are made on their first write (dimsOf, rateOf, SetAccount,
	// tagID), and the tag sets with the first: a replication that never
	// meters pays nothing, nor one that tags nothing for tags.
	l := &Ledger{
		env:         env,
		cat:         cat,
		seed:        maphash.MakeSeed(),
		defaultPlan: PlanAlwaysFree,
	}
	l.accounts.Room(l.accountRoom[:])
	l.span = spanOf(env, MonthOf(env.NowTime()))
	for _, o := range opts {
		o(l)
	}
	return l
}

// Catalog returns the ledger's price catalog.
func (l *Ledger) Catalog() *Catalog { return l.cat }

// Accounts returns the IDs of the accounts with usage or configuration, in
// order of first appearance.
func (l *Ledger) Accounts() []string {
	all := l.accounts.All()
	if len(all) == 0 {
		return nil
	}
	ids := make([]string, len(all))
	for i, a := range all {
		ids[i] = a.id
	}
	return ids
}

// Months returns the billing months with usage for an account, ascending.
func (l *Ledger) Months(accountID string) []Month {
	a, _ := l.findAccount(accountID)
	if a == nil {
		return nil
	}
	// Room for a month per slot list and per running meter: a run seldom
	// spans more, and appends from nil would grow it one month at a time.
	ms := make([]Month, 0, len(a.months)+len(a.running))
	for _, s := range a.months {
		ms = append(ms, s.month)
	}
	for _, mi := range a.running {
		m := l.monthOf(l.meters[mi].runStart)
		for ; m <= l.monthOf(l.env.Now()); m++ {
			ms = append(ms, m)
		}
	}
	return uniqSorted(ms)
}

// slotsIn returns an account's slots of month m, in order of creation.
func (l *Ledger) slotsIn(accountID string, m Month) []int32 {
	if a, _ := l.findAccount(accountID); a != nil {
		return a.slotsIn(m)
	}
	return nil
}

// runningOf returns the indices of an account's running meters.
func (l *Ledger) runningOf(accountID string) []uint32 {
	if a, _ := l.findAccount(accountID); a != nil {
		return a.running
	}
	return nil
}

func uniqSorted(ms []Month) []Month {
	if len(ms) == 0 {
		return nil
	}
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && ms[j] < ms[j-1]; j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
	out := ms[:1]
	for _, m := range ms[1:] {
		if m != out[len(out)-1] {
			out = append(out, m)
		}
	}
	return out
}
