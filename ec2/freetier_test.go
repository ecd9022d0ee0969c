package ec2

import (
	"math/big"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// The free tier an account gets follows its creation date, as on AWS
// ([AWS Free Tier] in package billing): the world sets up billing when IAM
// opens the account. These tests run the course notes' example through
// the whole pipeline: t3.micro instances launched by an IAM user, running
// all of January 2026 (31 days, 744 hours each).

// janWorld opens testAccount with opts at 2025-12-31 23:00 UTC (the
// simulation's epoch), launches n t3.micro through the pipeline, runs to
// 2026-02-01 and terminates them; it returns the January invoice's
// t3.micro hours, the hours the free tier covered, and the invoice.
func janWorld(t *testing.T, n int32, opts ...iam.AccountOption) (hours, free *big.Rat, inv *billing.Invoice) {
	t.Helper()
	epoch := time.Date(2025, time.December, 31, 23, 0, 0, 0, time.UTC)
	env := sim.New(1, sim.WithEpoch(epoch))
	t.Cleanup(env.Close)
	w, err := region.NewWorld(env, region.Options{HostsPerAZ: map[string]int{"t3": 1}})
	require.NoError(t, err)
	svc, err := New(w, Options{})
	require.NoError(t, err)
	ids := w.IAM()
	root, err := ids.CreateAccount(testAccount, opts...)
	require.NoError(t, err)
	_, err = ids.CreateUser(root, iam.CreateUserInput{UserName: "student"})
	require.NoError(t, err)
	require.NoError(t, ids.PutUserPolicy(root, "student", "ec2", `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`))
	k, err := ids.CreateAccessKey(root, "student")
	require.NoError(t, err)
	c := svc.NewClient(testRegion, k.Credentials())

	var instanceIDs []string
	env.Go("student", func(p *sim.Proc) {
		out, err := c.RunInstances(p, &RunInstancesInput{ImageId: ImageID(PublicImages()[0].Name, testRegion),
			InstanceType: "t3.micro", MinCount: n, MaxCount: n})
		require.NoError(t, err)
		for _, in := range out.Instances {
			instanceIDs = append(instanceIDs, in.InstanceId)
		}
	})
	jan := billing.MakeMonth(2026, time.January)
	env.RunUntil(env.FromTime(jan.Start()))
	for _, id := range instanceIDs {
		m, _ := svc.Machine(id)
		require.Equal(t, InstanceStateRunning, m.State(), "%s must run before January starts", id)
	}
	env.RunUntil(env.FromTime(jan.End()))
	env.Go("student", func(p *sim.Proc) {
		_, err := c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: instanceIDs})
		require.NoError(t, err)
	})
	env.RunFor(time.Hour)

	inv = w.Billing().Invoice(testAccount, jan)
	hours, free = new(big.Rat), new(big.Rat)
	for _, li := range inv.Lines {
		if li.Type == "Usage" && li.UsageType == "BoxUsage:t3.micro" {
			hours.Add(hours, li.Amount)
			free.Add(free, li.FreeAmount)
		}
	}
	return hours, free, inv
}

func TestLegacyAccountOneT3MicroAllJanuaryIsFree(t *testing.T) {
	hours, free, _ := janWorld(t, 1, iam.CreatedAt(time.Date(2025, time.March, 1, 0, 0, 0, 0, time.UTC)))
	require.Equal(t, 0, hours.Cmp(big.NewRat(744, 1)), "hours %v", hours)
	require.Equal(t, 0, free.Cmp(hours), "free %v of %v", free, hours)
}

func TestLegacyAccountTwoT3Micro1488HoursOf738Charged(t *testing.T) {
	hours, free, _ := janWorld(t, 2, iam.CreatedAt(time.Date(2025, time.March, 1, 0, 0, 0, 0, time.UTC)))
	require.Equal(t, 0, hours.Cmp(big.NewRat(1488, 1)), "hours %v", hours)
	charged := new(big.Rat).Sub(hours, free)
	require.Equal(t, 0, charged.Cmp(big.NewRat(738, 1)), "charged %v", charged)
}

// The legacy tier lasts the sign-up month and the eleven after it: an
// account opened in January 2025 pays list price for January 2026.
func TestLegacyTierOverAfterTwelveMonths(t *testing.T) {
	hours, free, _ := janWorld(t, 1, iam.CreatedAt(time.Date(2025, time.January, 10, 0, 0, 0, 0, time.UTC)))
	require.Equal(t, 0, hours.Cmp(big.NewRat(744, 1)), "hours %v", hours)
	require.Equal(t, 0, free.Sign(), "free %v", free)
}

// A newcomer (opened now, after 2025-07-15) is on the credit-based Free
// plan: no 12-month hours, but the sign-up credits pay the bill.
func TestNewcomerT3MicroIsPaidByCredits(t *testing.T) {
	hours, free, inv := janWorld(t, 1)
	require.Equal(t, 0, hours.Cmp(big.NewRat(744, 1)), "hours %v", hours)
	require.Equal(t, 0, free.Sign(), "no 12-month hours on the credit plans; free %v", free)
	require.Positive(t, int64(inv.Usage))
	require.Equal(t, -inv.Usage, inv.Credits)
	require.Equal(t, billing.Money(0), inv.Total)
}
