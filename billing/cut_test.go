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
