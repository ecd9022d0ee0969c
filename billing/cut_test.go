package billing

import (
	"math/big"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// TestFrequentRateChangesSplitExactly changes a running meter's rate every
// 7 min 13.5 s for eight hours across a month boundary, as S3's bytes
// stored change on every PUT (cut commits each closed segment, most of
// them inside the ledger's cached month), and checks each month's
// quantity against the rule written out: a segment gets the whole seconds
// since the run's start at its end minus those at its start, split at the
// month's first instant, and the stop rounds the last partial second up.
func TestFrequentRateChangesSplitExactly(t *testing.T) {
	env, led := newTestLedger(t, PlanNone)
	start := env.FromTime(time.Date(2026, 1, 31, 20, 0, 0, 0, time.UTC))
	boundary := env.FromTime(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	stop := start.Add(8*time.Hour + 250*time.Millisecond)
	env.RunUntil(start)
	id := mustStart(t, led, volume("vol-1", 100), PerSecond60)
	// cuts[k] is where segment k begins; rates[k] its GiB.
	cuts, rates := []sim.Time{start}, []int64{100}
	for k := int64(1); ; k++ {
		at := start.Add(time.Duration(k) * (7*time.Minute + 13500*time.Millisecond))
		if at >= stop {
			break
		}
		env.RunUntil(at)
		rate := 100 + k%5*10
		require.NoError(t, led.SetTimedRate(id, rate))
		cuts, rates = append(cuts, at), append(rates, rate)
	}
	env.RunUntil(stop)
	mustStop(t, led, id, StopOptions{})

	floor := func(at sim.Time) int64 { return int64(at.Sub(start) / time.Second) }
	var jan, feb int64 // GiB-seconds
	for k, from := range cuts {
		to, upto := stop, int64((stop.Sub(start)+time.Second-1)/time.Second)
		if k+1 < len(cuts) {
			to = cuts[k+1]
			upto = floor(to)
		}
		switch {
		case to <= boundary:
			jan += rates[k] * (upto - floor(from))
		case from >= boundary:
			feb += rates[k] * (upto - floor(from))
		default:
			jan += rates[k] * (floor(boundary) - floor(from))
			feb += rates[k] * (upto - floor(boundary))
		}
	}
	feb2026 := MakeMonth(2026, time.February)
	for _, c := range []struct {
		m       Month
		gibSecs int64
	}{{jan2026, jan}, {feb2026, feb}} {
		li := lineFor(t, led.Invoice(acct, c.m), "vol-1", "EBS:VolumeUsage.gp3")
		require.Zero(t, li.Amount.Cmp(big.NewRat(c.gibSecs, c.m.Seconds())), "%v: %v GB-Mo, want %d GiB-s", c.m, li.Amount, c.gibSecs)
	}
}

// TestSetTimedRateToItsRateChangesNothing: setting a running meter to the
// rate it has (an S3 object overwritten by one of its size) leaves the
// bill as if it had not been called, across a month boundary and past
// the run's first hour (where cut commits eagerly): the same line items,
// records included, as a meter left alone.
func TestSetTimedRateToItsRateChangesNothing(t *testing.T) {
	start := time.Date(2026, 1, 31, 22, 0, 0, 0, time.UTC)
	run := func(touch bool) []LineItem {
		env, led := newTestLedger(t, PlanNone)
		env.RunUntil(env.FromTime(start))
		id := mustStart(t, led, volume("vol-1", 100), PerSecond60)
		for k := 1; k <= 40; k++ {
			env.RunUntil(env.FromTime(start.Add(time.Duration(k) * 4 * time.Minute)))
			rate := int64(100)
			if k == 20 {
				rate = 150 // one real change in the middle
				require.NoError(t, led.SetTimedRate(id, rate))
			} else if k > 20 {
				rate = 150
			}
			if touch {
				require.NoError(t, led.SetTimedRate(id, rate))
			}
		}
		env.RunFor(90 * time.Second)
		mustStop(t, led, id, StopOptions{})
		var lines []LineItem
		for _, m := range led.Months(acct) {
			lines = append(lines, led.Invoice(acct, m).Lines...)
		}
		return lines
	}
	left, touched := run(false), run(true)
	require.Len(t, touched, 2, "a line in January and one in February")
	require.Equal(t, len(left), len(touched))
	for i := range left {
		require.Zero(t, left[i].Amount.Cmp(touched[i].Amount), "line %d: %v vs %v", i, left[i].Amount, touched[i].Amount)
		require.Equal(t, left[i].Cost, touched[i].Cost)
		require.Equal(t, left[i].Start, touched[i].Start)
		require.Equal(t, left[i].End, touched[i].End)
		require.Equal(t, left[i].Records, touched[i].Records)
	}
}
