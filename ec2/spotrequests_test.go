package ec2

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// A persistent request goes back to open after its instance is
// interrupted and launches a new one when capacity returns; a one-time
// request closes; cancelling keeps the instance.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-requests.html
func TestPersistentSpotRequestRelaunches(t *testing.T) {
	f := newFixture(t, 220, Options{Spot: &SpotOptions{Model: SpotMechanistic, Savings: 0.65, PriceStep: 24 * time.Hour}})
	f.do(6*time.Hour, func(p *sim.Proc) {
		spec := &RequestSpotLaunchSpecification{ImageId: f.ami(), InstanceType: "m5.large", Placement: &Placement{AvailabilityZone: "us-east-1a"}}
		out, err := f.c.RequestSpotInstances(p, &RequestSpotInstancesInput{Type: SpotPersistent, LaunchSpecification: spec})
		require.NoError(t, err)
		persistent := out.SpotInstanceRequests[0]
		require.Equal(t, "active", persistent.State)
		first := persistent.InstanceId
		m, _ := f.svc.Machine(first)
		require.Equal(t, persistent.SpotInstanceRequestId, m.describe().SpotInstanceRequestId)

		one, err := f.c.RequestSpotInstances(p, &RequestSpotInstancesInput{LaunchSpecification: spec})
		require.NoError(t, err)
		oneID := one.SpotInstanceRequests[0].SpotInstanceRequestId

		f.waitRunning(p, m)
		require.NoError(t, p.Sleep(time.Hour))
		require.NoError(t, f.svc.ReclaimSpot(m.AvailabilityZoneID(), "m5.large", 1)) // both instances
		require.NoError(t, p.Sleep(5*time.Minute))
		d, err := f.c.DescribeSpotInstanceRequests(p, &DescribeSpotInstanceRequestsInput{SpotInstanceRequestIds: []string{persistent.SpotInstanceRequestId, oneID}})
		require.NoError(t, err)
		require.Equal(t, "active", d.SpotInstanceRequests[0].State, "relaunched")
		require.NotEqual(t, first, d.SpotInstanceRequests[0].InstanceId)
		require.Equal(t, "closed", d.SpotInstanceRequests[1].State)
		require.Equal(t, "instance-terminated-by-service", d.SpotInstanceRequests[1].Status.Code)

		second := d.SpotInstanceRequests[0].InstanceId
		c, err := f.c.CancelSpotInstanceRequests(p, &CancelSpotInstanceRequestsInput{SpotInstanceRequestIds: []string{persistent.SpotInstanceRequestId}})
		require.NoError(t, err)
		require.Equal(t, "cancelled", c.CancelledSpotInstanceRequests[0].State)
		m2, _ := f.svc.Machine(second)
		require.NotEqual(t, InstanceStateTerminated, m2.State(), "cancelling keeps the instance")

		_, err = f.c.DescribeSpotInstanceRequests(p, &DescribeSpotInstanceRequestsInput{SpotInstanceRequestIds: []string{"sir-nope"}})
		wantCode(t, err, "InvalidSpotInstanceRequestID.NotFound")
		_, err = f.c.RequestSpotInstances(p, &RequestSpotInstancesInput{LaunchSpecification: &RequestSpotLaunchSpecification{ImageId: f.ami(), InstanceType: "m5.huge"}})
		wantCode(t, err, "InvalidParameterValue")
	})
}

// A Spot request must fit the Spot quota when it is submitted: with a
// quota of 0 it is refused with MaxSpotInstanceCountExceeded, and once
// Service Quotas has raised the quota the same request is fulfilled.
func TestSpotRequestNeedsQuotaAtSubmission(t *testing.T) {
	f := newFixture(t, 221, Options{Quotas: &QuotaOptions{Values: map[string]int{"L-34B43A08": 0}}})
	require.NoError(t, f.iam.PutUserPolicy(f.root, "operator", "quotas",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"servicequotas:*","Resource":"*"}]}`))
	f.do(3*time.Hour, func(p *sim.Proc) {
		in := &RequestSpotInstancesInput{Type: SpotPersistent,
			LaunchSpecification: &RequestSpotLaunchSpecification{ImageId: f.ami(), InstanceType: "m5.large"}}
		_, err := f.c.RequestSpotInstances(p, in)
		require.ErrorIs(t, err, ErrMaxSpotInstanceCountExceeded)
		_, err = f.svc.NewQuotasClient(testRegion, f.user).RequestServiceQuotaIncrease(p, "ec2", "L-34B43A08", 8)
		require.NoError(t, err)
		require.NoError(t, p.Sleep(time.Hour))
		out, err := f.c.RequestSpotInstances(p, in)
		require.NoError(t, err)
		require.Equal(t, "active", out.SpotInstanceRequests[0].State)
	})
}

// An open request counts against the Spot quota until it is fulfilled or
// cancelled (EC2 counts the vCPUs "your running Spot Instances are either
// using or will use pending the fulfillment of open Spot Instance
// requests"): with room for one m5.large and no m5 capacity, the first
// request stays open holding the room, a second is refused, and
// cancelling the first lets the second in.
func TestOpenSpotRequestHoldsQuota(t *testing.T) {
	f := newFixtureQuotas(t, 223, Options{Quotas: &QuotaOptions{Values: map[string]int{"L-34B43A08": 2}}},
		region.Options{HostsPerAZ: map[string]int{"m5": 0}}, nil)
	std := quotaIndex(QuotaStandard, true)
	f.do(time.Hour, func(p *sim.Proc) {
		in := &RequestSpotInstancesInput{LaunchSpecification: &RequestSpotLaunchSpecification{ImageId: f.ami(), InstanceType: "m5.large"}}
		first, err := f.c.RequestSpotInstances(p, in)
		require.NoError(t, err)
		require.Equal(t, "open", first.SpotInstanceRequests[0].State)
		require.Equal(t, 2, f.svc.quotas.account(testAccount, testRegion).used[std])
		_, err = f.c.RequestSpotInstances(p, in)
		require.ErrorIs(t, err, ErrMaxSpotInstanceCountExceeded)
		require.NoError(t, p.Sleep(10*time.Minute)) // retries keep holding, never doubling
		require.Equal(t, 2, f.svc.quotas.account(testAccount, testRegion).used[std])
		_, err = f.c.CancelSpotInstanceRequests(p, &CancelSpotInstanceRequestsInput{SpotInstanceRequestIds: []string{first.SpotInstanceRequests[0].SpotInstanceRequestId}})
		require.NoError(t, err)
		require.Zero(t, f.svc.quotas.account(testAccount, testRegion).used[std])
		second, err := f.c.RequestSpotInstances(p, in)
		require.NoError(t, err)
		require.Equal(t, "open", second.SpotInstanceRequests[0].State)
	})
}

// A persistent request with interruption behaviour stop: EC2 stops the
// instance (request disabled) and starts the same instance again.
func TestSpotRequestStopBehaviourRestarts(t *testing.T) {
	f := newFixture(t, 222, Options{Spot: &SpotOptions{Model: SpotMechanistic, Savings: 0.65, PriceStep: 24 * time.Hour}})
	f.do(4*time.Hour, func(p *sim.Proc) {
		out, err := f.c.RequestSpotInstances(p, &RequestSpotInstancesInput{Type: SpotPersistent, InstanceInterruptionBehavior: InterruptionStop,
			LaunchSpecification: &RequestSpotLaunchSpecification{ImageId: f.ami(), InstanceType: "m5.large"}})
		require.NoError(t, err)
		id := out.SpotInstanceRequests[0].InstanceId
		m, _ := f.svc.Machine(id)
		f.waitRunning(p, m)
		require.NoError(t, p.Sleep(time.Hour))
		require.NoError(t, f.svc.ReclaimSpot(m.AvailabilityZoneID(), "m5.large", 1))
		require.NoError(t, p.Sleep(3*time.Minute))
		d, err := f.c.DescribeSpotInstanceRequests(p, nil)
		require.NoError(t, err)
		require.Contains(t, []string{"disabled", "active"}, d.SpotInstanceRequests[0].State)
		require.NoError(t, p.Sleep(10*time.Minute))
		d, err = f.c.DescribeSpotInstanceRequests(p, nil)
		require.NoError(t, err)
		require.Equal(t, "active", d.SpotInstanceRequests[0].State)
		require.Equal(t, id, d.SpotInstanceRequests[0].InstanceId, "the same instance")
		require.Equal(t, InstanceStateRunning, m.State())
	})
}

// A persistent Spot Instance launched by RunInstances with interruption
// behaviour stop has a Spot Instance request behind it: the interruption
// disables it, and EC2 starts the same instance again when capacity
// returns. A user's stop is left to the user.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/interruption-behavior.html
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SpotMarketOptions.html
func TestRunInstancesPersistentSpotStopRestarts(t *testing.T) {
	f := newFixture(t, 223, Options{Spot: &SpotOptions{Model: SpotMechanistic, Savings: 0.65, PriceStep: 24 * time.Hour}})
	f.do(4*time.Hour, func(p *sim.Proc) {
		m := f.launch(p, spotInput(InterruptionStop))
		id := m.ID()
		d, err := f.c.DescribeSpotInstanceRequests(p, nil)
		require.NoError(t, err)
		require.Len(t, d.SpotInstanceRequests, 1)
		req := d.SpotInstanceRequests[0]
		require.Equal(t, "active", req.State)
		require.Equal(t, id, req.InstanceId)
		require.Equal(t, m.describe().SpotInstanceRequestId, req.SpotInstanceRequestId)

		require.NoError(t, p.Sleep(time.Hour))
		require.NoError(t, f.svc.ReclaimSpot(m.AvailabilityZoneID(), "m5.large", 1))
		for m.State() != InstanceStateStopped {
			require.NoError(t, p.Sleep(time.Second))
		}
		d, err = f.c.DescribeSpotInstanceRequests(p, nil)
		require.NoError(t, err)
		require.Equal(t, "disabled", d.SpotInstanceRequests[0].State)
		require.Equal(t, "instance-stopped-by-service", d.SpotInstanceRequests[0].Status.Code)

		require.NoError(t, p.Sleep(10*time.Minute))
		require.Equal(t, InstanceStateRunning, m.State(), "EC2 restarted the same instance")
		d, err = f.c.DescribeSpotInstanceRequests(p, nil)
		require.NoError(t, err)
		require.Equal(t, "active", d.SpotInstanceRequests[0].State)
		require.Equal(t, id, d.SpotInstanceRequests[0].InstanceId)

		f.stopAndWait(p, m)
		require.NoError(t, p.Sleep(30*time.Minute))
		require.Equal(t, InstanceStateStopped, m.State(), "a user's stop stays stopped")
		d, err = f.c.DescribeSpotInstanceRequests(p, nil)
		require.NoError(t, err)
		require.Equal(t, "instance-stopped-by-user", d.SpotInstanceRequests[0].Status.Code)

		// One-time Spot Instances keep no request.
		f.launch(p, spotInput(InterruptionTerminate))
		d, err = f.c.DescribeSpotInstanceRequests(p, nil)
		require.NoError(t, err)
		require.Len(t, d.SpotInstanceRequests, 1)
	})
}

// Terminating the instance of a persistent request reopens the request and
// EC2 launches a replacement with the same launch (here RunInstances' own,
// hibernation included); cancel the request first to end it for good.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-requests.html
func TestRunInstancesPersistentSpotTerminateReopens(t *testing.T) {
	f := newFixture(t, 224, Options{Spot: &SpotOptions{Model: SpotMechanistic, Savings: 0.65, PriceStep: 24 * time.Hour}})
	f.do(2*time.Hour, func(p *sim.Proc) {
		in := spotInput(InterruptionHibernate)
		in.HibernationOptions = &HibernationOptionsRequest{Configured: true}
		in.BlockDeviceMappings = []BlockDeviceMapping{{DeviceName: "/dev/xvda", Ebs: &EbsBlockDevice{VolumeSize: 20, Encrypted: true}}}
		m := f.launch(p, in)
		_, err := f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{m.ID()}})
		require.NoError(t, err)
		require.NoError(t, p.Sleep(5*time.Minute))
		d, err := f.c.DescribeSpotInstanceRequests(p, nil)
		require.NoError(t, err)
		r := d.SpotInstanceRequests[0]
		require.Equal(t, "active", r.State)
		require.NotEqual(t, m.ID(), r.InstanceId, "a replacement")
		repl, ok := f.svc.Machine(r.InstanceId)
		require.True(t, ok)
		require.True(t, repl.describe().HibernationOptions.Configured)

		_, err = f.c.CancelSpotInstanceRequests(p, &CancelSpotInstanceRequestsInput{SpotInstanceRequestIds: []string{r.SpotInstanceRequestId}})
		require.NoError(t, err)
		_, err = f.c.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{repl.ID()}})
		require.NoError(t, err)
		require.NoError(t, p.Sleep(5*time.Minute))
		d, err = f.c.DescribeSpotInstanceRequests(p, nil)
		require.NoError(t, err)
		require.Equal(t, "cancelled", d.SpotInstanceRequests[0].State)
		require.Equal(t, repl.ID(), d.SpotInstanceRequests[0].InstanceId, "no further replacement")
	})
}
