package billing

import (
	"fmt"

	"github.com/nimbus-sim/nimbus/sim"
)

// Plan is an account's free-tier regime [AWS Free Tier].
type Plan uint8

const (
	// PlanAlwaysFree: only the always-free offers — Lambda's 1M requests
	// and 400,000 GB-s per month [Lambda pricing] and the first 100 GB per month of
	// data transfer out to the internet, account-wide across regions and
	// services [data transfer FAQ]. Every AWS account has these; it is the default.
	PlanAlwaysFree Plan = iota
	// PlanNone: list prices with no free offers at all — for "what does
	// this cost at list price" questions.
	PlanNone
	// PlanLegacy: the 12-month free tier of accounts created before
	// 2025-07-15, plus always-free. Per calendar month: 750 hours of
	// t2.micro/t3.micro pooled across all instances and regions; 750 hours
	// of in-use public IPv4 addresses; 30 GB-Mo of EBS (gp2, gp3,
	// magnetic) with 2 million magnetic I/Os and 1 GB-Mo of snapshots;
	// 5 GB-Mo of S3 Standard with 20,000 GET and 2,000 PUT requests; 100 GB of data transfer out (the always-free
	// 100 GB, which since 2021 covers the same ground). It applies to the
	// sign-up month and the eleven that follow.
	PlanLegacy
	// PlanCreditFree: the credit-based Free plan of accounts created on or
	// after 2025-07-15: $100 of credits at sign-up plus up to $100 earned
	// for onboarding activities (Account.BonusCredits), always-free offers,
	// no charges; it ends after 6 months or when the credits run out
	// (FreePlanActive reports when). Credits expire 12 months after sign-up.
	PlanCreditFree
	// PlanCreditPaid: the Paid plan — the same credits applied to the bill,
	// pay-as-you-go after they run out or expire.
	PlanCreditPaid
)

func (p Plan) String() string {
	switch p {
	case PlanAlwaysFree:
		return "always-free"
	case PlanNone:
		return "none"
	case PlanLegacy:
		return "legacy-12-month"
	case PlanCreditFree:
		return "credit-free-plan"
	case PlanCreditPaid:
		return "credit-paid-plan"
	}
	return fmt.Sprintf("Plan(%d)", uint8(p))
}

// Account configures an account's billing.
type Account struct {
	ID   string
	Plan Plan
	// Created is the sign-up instant; the 12-month free tier, the credit
	// plans' 6- and 12-month limits run from it. Zero is the epoch.
	Created sim.Time
	// BonusCredits are credits earned through onboarding activities on the
	// credit plans (at most $100) [AWS Free Tier].
	BonusCredits Money
}

// SignUpCredits is the credit granted at sign-up on the credit-based plans.
const SignUpCredits = 100 * Dollar

// MaxBonusCredits is the most that onboarding activities add.
const MaxBonusCredits = 100 * Dollar

type account struct {
	id      string
	created sim.Time
	bonus   Money
	plan    Plan
	// configured: SetAccount or SignUp set this account up; SignUp does
	// not override it.
	configured bool
	// months are the account's slots per month with usage, in order of
	// first usage, the first in month0 (most replications bill one
	// month); running its running meters' indices (a meter's runPos is its
	// place here), the first eight in running0 (a replication's instance,
	// volume and address, restarted a few times).
	months   []monthSlots
	month0   [1]monthSlots
	running  []uint32
	running0 [8]uint32
}

func (a *account) slotsIn(m Month) []int32 {
	for i := len(a.months) - 1; i >= 0; i-- {
		if a.months[i].month == m {
			return a.months[i].slots
		}
	}
	return nil
}

func (a *account) addSlot(m Month, slot int32) {
	for i := len(a.months) - 1; i >= 0; i-- {
		if a.months[i].month == m {
			a.months[i].slots = append(a.months[i].slots, slot)
			return
		}
	}
	// Room for a replication's resources: the list would otherwise grow
	// one doubling at a time from one.
	ss := make([]int32, 1, 16)
	ss[0] = slot
	if a.months == nil {
		a.months = a.month0[:0]
	}
	a.months = append(a.months, monthSlots{month: m, slots: ss})
}

// SetAccount configures an account's plan and sign-up time. Accounts that
// only appear in usage get the ledger's default plan, created at the epoch.
func (l *Ledger) SetAccount(a Account) error {
	if a.ID == "" {
		return newErr(ErrInvalidUsage, "billing: account has no ID")
	}
	if a.Plan > PlanCreditPaid {
		return newErr(ErrInvalidUsage, "billing: unknown plan %d for account %s", a.Plan, a.ID)
	}
	if a.BonusCredits < 0 || a.BonusCredits > MaxBonusCredits {
		return newErr(ErrInvalidUsage, "billing: bonus credits %v outside [$0, %v]", a.BonusCredits, MaxBonusCredits)
	}
	if a.BonusCredits != 0 && a.Plan != PlanCreditFree && a.Plan != PlanCreditPaid {
		return newErr(ErrInvalidUsage, "billing: bonus credits need a credit plan, account %s is on %v", a.ID, a.Plan)
	}
	acc, ok := l.findAccount(a.ID)
	if !ok {
		acc = &account{id: a.ID}
		l.addAccount(acc)
	}
	acc.plan, acc.created, acc.bonus, acc.configured = a.Plan, a.Created, a.BonusCredits, true
	if l.watched != nil {
		l.touch(a.ID)
	}
	return nil
}

// accountFor returns the account id, created with the default plan if
// new: usage makes an account known.
func (l *Ledger) accountFor(id string) *account {
	a, ok := l.findAccount(id)
	if !ok {
		a = &account{id: id, plan: l.defaultPlan}
		l.addAccount(a)
	}
	return a
}

// Key is the account's key in the ledger's keyed.List.
func (a *account) Key() string { return a.id }

// findAccount returns the account id, if known.
func (l *Ledger) findAccount(id string) (*account, bool) { return l.accounts.Find(id) }

// addAccount adds a new account.
func (l *Ledger) addAccount(a *account) {
	l.accounts.Add(a)
}

func (l *Ledger) account(id string) *account {
	if a, ok := l.findAccount(id); ok {
		return a
	}
	return &account{id: id, plan: l.defaultPlan}
}

// Offer is a monthly free allowance: Quantity pricing units per calendar
// month of the listed usage types, pooled across the account's resources,
// services and regions.
type Offer struct {
	Name       string
	UsageTypes []string // normalized usage types (no region prefix)
	Quantity   int64    // pricing units per month
}

// Always-free and legacy 12-month offers [AWS Free Tier; Lambda pricing;
// data transfer FAQ].
var (
	alwaysFreeOffers = []Offer{
		{Name: "Lambda requests (always free)", UsageTypes: []string{"Request", "Request-ARM"}, Quantity: 1_000_000},
		{Name: "Lambda duration (always free)", UsageTypes: []string{"Lambda-GB-Second", "Lambda-GB-Second-ARM"}, Quantity: 400_000},
		{Name: "Data transfer out (always free)", UsageTypes: []string{"DataTransfer-Out-Bytes"}, Quantity: 100},
	}
	legacyOffers = []Offer{
		{Name: "EC2 t2/t3.micro hours (12-month free tier)", UsageTypes: []string{"BoxUsage:t2.micro", "BoxUsage:t3.micro"}, Quantity: 750},
		{Name: "EBS storage (12-month free tier)", UsageTypes: []string{"EBS:VolumeUsage.gp2", "EBS:VolumeUsage.gp3", "EBS:VolumeUsage"}, Quantity: 30},
		// The same EBS offer's other two parts: "2 million I/Os (with EBS
		// Magnetic) and 1 GB of snapshot storage" (AWS Free Tier page as
		// summarised by third parties: UNVERIFIED).
		{Name: "EBS magnetic I/O (12-month free tier)", UsageTypes: []string{"EBS:VolumeIOUsage"}, Quantity: 2_000_000},
		{Name: "EBS snapshot storage (12-month free tier)", UsageTypes: []string{"EBS:SnapshotUsage"}, Quantity: 1},
		{Name: "S3 Standard storage (12-month free tier)", UsageTypes: []string{"TimedStorage-ByteHrs"}, Quantity: 5},
		{Name: "S3 GET requests (12-month free tier)", UsageTypes: []string{"Requests-Tier2"}, Quantity: 20_000},
		{Name: "S3 PUT requests (12-month free tier)", UsageTypes: []string{"Requests-Tier1"}, Quantity: 2_000},
		// Since public IPv4 became chargeable (2024-02-01) the EC2 free
		// tier includes 750 hours of in-use public IPv4 per month for the
		// first 12 months ([public IPv4 pricing]; AWS re:Post "Why am I seeing
		// charges for 'Public IPv4 addresses' when I am under the AWS free
		// tier?"), so a free-tier t3.micro with a public address stays free.
		{Name: "Public IPv4 in use (12-month free tier)", UsageTypes: []string{"PublicIPv4:InUseAddress"}, Quantity: 750},
	}
)

// Offers returns the free offers that apply to an account in a month.
func (l *Ledger) Offers(accountID string, m Month) []Offer {
	a := l.account(accountID)
	switch a.plan {
	case PlanNone:
		return nil
	case PlanLegacy:
		if m >= l.monthOf(a.created) && m < l.monthOf(a.created)+12 {
			return append(append([]Offer(nil), legacyOffers...), alwaysFreeOffers...)
		}
	}
	return alwaysFreeOffers
}

// credits returns the credits an account has been granted and the last
// month (exclusive) they may be applied in.
func (l *Ledger) credits(a *account) (Money, Month, bool) {
	if a.plan != PlanCreditFree && a.plan != PlanCreditPaid {
		return 0, 0, false
	}
	return SignUpCredits + a.bonus, l.monthOf(a.created) + 12, true
}

// CreditBalance returns the credits a credit-plan account has left as of
// now (the grant less what the months so far, including the current one,
// have used), or 0 once they have expired or for other plans.
func (l *Ledger) CreditBalance(accountID string) Money {
	a := l.account(accountID)
	grant, expiry, ok := l.credits(a)
	now := l.monthOf(l.env.Now())
	if !ok || now >= expiry {
		return 0
	}
	left := grant
	for m := l.monthOf(a.created); m <= now && left > 0; m++ {
		used := l.usageCost(accountID, m, l.collect(accountID, m, l.env.Now(), nil, nil), nil)
		left -= min(left, max(used, 0))
	}
	return left
}

// FreePlanActive reports whether a PlanCreditFree account is still on the
// Free plan at the current instant: less than six months since sign-up and
// credits left [AWS Free Tier]. When it turns false AWS closes the account unless it
// upgrades; a scenario decides what to do (the ledger keeps billing).
func (l *Ledger) FreePlanActive(accountID string) bool {
	a := l.account(accountID)
	if a.plan != PlanCreditFree {
		return false
	}
	sixMonths := l.env.TimeOf(a.created).AddDate(0, 6, 0)
	if !l.env.TimeOf(l.env.Now()).Before(sixMonths) {
		return false
	}
	return l.CreditBalance(accountID) > 0
}
