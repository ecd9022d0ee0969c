package s3

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// TestBucketRequestKeysBillAsRecord checks that request charges billed
// through a bucket's resolved keys (billBucketRequest) give the same
// line items, records and amounts included, as Ledger.Record with the
// same dimensions at the same instants: random payers, usage types
// (an unknown one too), operations and regions, over five months, in
// runs and interleaved.
func TestBucketRequestKeysBillAsRecord(t *testing.T) {
	env := sim.New(1)
	t.Cleanup(env.Close)
	w, err := region.NewWorld(env, region.Options{HostsPerAZ: map[string]int{}})
	require.NoError(t, err)
	s := MustNew(w, Options{})
	ref := billing.New(env, nil)
	buckets := []*bucket{{name: "bk-a"}, {name: "bk-b"}}
	payers := []string{ownerAccount, otherAccount}
	uts := []string{classes[classStandard].tier1UT, classes[classStandard].tier2UT, classes[classStandardIA].tier2UT, "Requests-Bogus"}
	ops := []string{"GetObject", "PutObject", "HeadObject"}
	regions := []string{"us-east-1", "eu-west-1"}
	r := rand.New(rand.NewPCG(5, 6))
	env.Go("bill", func(p *sim.Proc) {
		k := reqKey{payers[0], uts[0], ops[0], regions[0]}
		b := buckets[0]
		for range 4000 {
			if r.IntN(4) == 0 { // otherwise the same charge again: a run
				k = reqKey{payers[r.IntN(2)], uts[r.IntN(len(uts))], ops[r.IntN(len(ops))], regions[r.IntN(2)]}
				b = buckets[r.IntN(2)]
			}
			s.billBucketRequest(b, &k)
			_ = ref.Record(billing.Usage{Account: k.payer, Service: "AmazonS3", UsageType: k.usageType, Operation: k.op,
				Region: k.region, ResourceID: b.name, Quantity: 1})
			if r.IntN(3) == 0 {
				p.Sleep(time.Duration(r.IntN(6*3600)) * time.Second)
			}
		}
	})
	env.Run()
	first := billing.MonthOf(env.TimeOf(0))
	last := billing.MonthOf(env.NowTime())
	require.Greater(t, last, first+2, "the charges span several months")
	for m := first; m <= last; m++ {
		want := ref.LineItems(m)
		require.NotEmpty(t, want)
		require.Equal(t, want, s.ledger.LineItems(m), "month %v", m)
	}
}
