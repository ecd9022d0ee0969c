package ec2

import (
	"math"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// CreditMode is a burstable instance's credit option (aws-sdk-go-v2's
// InstanceCreditSpecification.CpuCredits).
type CreditMode string

const (
	// CreditStandard throttles the instance to its baseline once its
	// accrued credits are spent.
	CreditStandard CreditMode = "standard"
	// CreditUnlimited lets the instance keep bursting on surplus credits,
	// repaid from later earnings and otherwise billed [burstable guide].
	CreditUnlimited CreditMode = "unlimited"
)

// creditAccount integrates a burstable instance's CPU credits over time.
// Credits are counted in float64 credits (one vCPU-minute at 100%); the
// demand is piecewise constant between calls, so the balance moves
// linearly between regime changes (balance reaches zero, the cap, or the
// surplus is repaid), and advance walks those breakpoints exactly.
//
// Rates [burstable guide]: earned/h = baseline x vCPUs x 60; spent/h = util x vCPUs x
// 60, where util is the fraction of all the instance's vCPUs in use.
type creditAccount struct {
	earnPerHour float64
	vcpus       float64
	baseline    float64
	max         float64
	mode        CreditMode

	balance float64 // accrued earned credits, 0..max
	// launch holds T2 Standard's launch credits: spent before earned
	// credits, not counted against max, lost at a stop or a switch to
	// unlimited (launchcredits.go).
	launch    float64
	surplus   float64 // unlimited: surplus credits spent and not yet repaid, 0..max
	charged   float64 // surplus credits billed so far
	demand    float64 // demanded utilization, 0..1
	last      sim.Time
	running   bool
	stoppedAt sim.Time // when the instance last stopped (0: never)
}

// CreditRetention is how long a stopped T3 instance keeps its accrued
// credits [burstable guide].
const CreditRetention = 7 * 24 * time.Hour

func newCreditAccount(it InstanceTypeInfo, mode CreditMode, now sim.Time) *creditAccount {
	c := &creditAccount{
		earnPerHour: it.CreditsPerHour(),
		vcpus:       float64(it.VCPUs),
		baseline:    it.Baseline(),
		max:         it.MaxCredits(),
		mode:        mode,
		last:        now,
	}
	return c // launch credits are granted when the instance becomes running (launchcredits.go)
}

// spendPerHour is the credit burn at utilization u.
func (c *creditAccount) spendPerHour(u float64) float64 { return u * c.vcpus * 60 }

// throttled reports whether a standard-mode instance is held at baseline.
func (c *creditAccount) throttled() bool {
	return c.mode == CreditStandard && c.running && c.balance+c.launch <= 0 && c.demand > c.baseline
}

// effective is the utilization the instance actually gets.
func (c *creditAccount) effective() float64 {
	if !c.running {
		return 0
	}
	if c.throttled() {
		return c.baseline
	}
	return c.demand
}

// advance integrates the account up to now. It returns the surplus credits
// that became chargeable in the interval (unlimited mode only).
func (c *creditAccount) advance(now sim.Time) (charge float64) {
	dt := now.Sub(c.last).Hours()
	c.last = now
	if dt <= 0 || !c.running {
		return 0
	}
	net := c.earnPerHour - c.spendPerHour(c.demand)
	switch {
	case net >= 0:
		gain := net * dt
		if c.surplus > 0 { // earnings repay the surplus first [burstable guide]
			pay := math.Min(gain, c.surplus)
			c.surplus -= pay
			gain -= pay
		}
		c.balance = math.Min(c.max, c.balance+gain)
	case c.mode == CreditStandard:
		// Burn launch credits first, then earned ones, until empty; then
		// sit at zero, throttled to baseline (spend = earn).
		loss := -net * dt
		l := math.Min(loss, c.launch)
		c.launch -= l
		c.balance = math.Max(0, c.balance-(loss-l))
	default: // unlimited
		loss := -net * dt
		use := math.Min(loss, c.balance)
		c.balance -= use
		c.surplus += loss - use
		if c.surplus > c.max { // beyond 24 h of earnings: charged [burstable guide]
			charge = c.surplus - c.max
			c.surplus = c.max
			c.charged += charge
		}
	}
	return charge
}

// nextChange returns how long until the account's regime changes under the
// current demand (standard: credits run out and throttling starts), or
// false if it never does.
func (c *creditAccount) nextChange() (time.Duration, bool) {
	if !c.running || c.mode != CreditStandard || c.balance+c.launch <= 0 {
		return 0, false
	}
	net := c.earnPerHour - c.spendPerHour(c.demand)
	if net >= 0 {
		return 0, false
	}
	h := (c.balance + c.launch) / -net
	return time.Duration(math.Ceil(h * float64(time.Hour))), true
}

// settle charges whatever surplus is left, as at a stop or terminate [burstable guide].
func (c *creditAccount) settle() float64 {
	s := c.surplus
	c.surplus = 0
	c.charged += s
	return s
}
