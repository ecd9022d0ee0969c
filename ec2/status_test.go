package ec2

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// Status checks initialize, then pass; a scheduled event is listed until
// NotBefore, then carried out (instance-stop stops the instance). Only
// running instances are described unless IncludeAllInstances.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-instances-status-check_sched.html
func TestDescribeInstanceStatusAndScheduledEvents(t *testing.T) {
	f := newFixture(t, 180, Options{})
	f.do(3*time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		out, err := f.c.DescribeInstanceStatus(p, &DescribeInstanceStatusInput{InstanceIds: []string{m.ID()}})
		require.NoError(t, err)
		require.Len(t, out.InstanceStatuses, 1)
		require.Equal(t, "initializing", out.InstanceStatuses[0].InstanceStatus.Status)
		require.NoError(t, p.Sleep(StatusCheckWarmup))
		out, err = f.c.DescribeInstanceStatus(p, nil)
		require.NoError(t, err)
		require.Equal(t, "ok", out.InstanceStatuses[0].SystemStatus.Status)

		at := f.env.NowTime().Add(time.Hour)
		_, err = f.svc.ScheduleInstanceEvent(m.ID(), EventInstanceStop, at, "The instance is running on degraded hardware")
		require.NoError(t, err)
		_, err = f.svc.ScheduleInstanceEvent(m.ID(), "instance-explode", at, "")
		require.Error(t, err)
		out, err = f.c.DescribeInstanceStatus(p, nil)
		require.NoError(t, err)
		require.Len(t, out.InstanceStatuses[0].Events, 1)
		require.Equal(t, EventInstanceStop, out.InstanceStatuses[0].Events[0].Code)
		require.Equal(t, at, out.InstanceStatuses[0].Events[0].NotBefore)
		require.NoError(t, p.Sleep(time.Hour+time.Minute))
		require.Contains(t, []InstanceStateName{InstanceStateStopping, InstanceStateStopped}, m.State())
		out, err = f.c.DescribeInstanceStatus(p, nil)
		require.NoError(t, err)
		require.Empty(t, out.InstanceStatuses, "a stopped instance is not listed by default")
		out, err = f.c.DescribeInstanceStatus(p, &DescribeInstanceStatusInput{IncludeAllInstances: true})
		require.NoError(t, err)
		require.Len(t, out.InstanceStatuses, 1)
		require.Empty(t, out.InstanceStatuses[0].Events)
		require.Equal(t, "not-applicable", out.InstanceStatuses[0].InstanceStatus.Status)
	})
}
