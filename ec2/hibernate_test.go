package ec2

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/sim"
)

// "When you start your instance, the RAM contents are restored and the
// processes that were previously running on the instance are resumed."
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Hibernate.html
// A polling process survives a hibernation with its state and context,
// resumes where it waited once the instance runs again (virtual time
// having jumped), and a CPU job neither progresses while hibernated nor
// restarts; a plain stop afterwards kills both.
func TestHibernateResumesProcesses(t *testing.T) {
	f := newFixture(t, 156, Options{})
	f.do(6*time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large", HibernationOptions: &HibernationOptionsRequest{Configured: true},
			BlockDeviceMappings: []BlockDeviceMapping{{DeviceName: "/dev/xvda", Ebs: &EbsBlockDevice{VolumeSize: 20, Encrypted: true}}}})
		polls := 0
		var ticks []sim.Time
		poller, err := m.Go("poller", func(q *sim.Proc) {
			for {
				polls++ // state held in the process's memory
				ticks = append(ticks, q.Now())
				if q.Sleep(time.Minute) != nil {
					return
				}
			}
		})
		require.NoError(t, err)
		var workStart, workDone sim.Time
		worker, err := m.Go("worker", func(q *sim.Proc) {
			workStart = q.Now()
			// 2 vCPUs: 30 minutes of wall time.
			if m.Work(q, 3600) == nil {
				workDone = q.Now()
			}
		})
		require.NoError(t, err)

		require.NoError(t, p.Sleep(10*time.Minute+30*time.Second))
		before := polls
		hibAt := p.Now()
		_, err = f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{m.ID()}, Hibernate: true})
		require.NoError(t, err)
		for m.State() != InstanceStateStopped {
			require.NoError(t, p.Sleep(time.Second))
		}
		stoppedAt := p.Now()
		require.NoError(t, p.Sleep(time.Hour))
		require.True(t, poller.Alive() && worker.Alive(), "hibernation keeps the processes")
		require.NoError(t, poller.Err(), "their contexts stay valid")
		require.LessOrEqual(t, polls, before+1, "no process runs while hibernated")
		require.Zero(t, workDone)

		_, err = f.c.StartInstances(p, &StartInstancesInput{InstanceIds: []string{m.ID()}})
		require.NoError(t, err)
		f.waitRunning(p, m)
		started := p.Now()
		require.NoError(t, p.Sleep(5*time.Minute))
		require.Greater(t, polls, before+3, "the poller goes on counting from its state")
		var resumed sim.Time
		for _, at := range ticks {
			if at > stoppedAt {
				resumed = at
				break
			}
		}
		require.GreaterOrEqual(t, resumed, started-sim.Time(time.Minute), "the overdue sleep returns at the start")
		require.Less(t, resumed.Sub(stoppedAt), 2*time.Hour)

		require.NoError(t, p.Sleep(30*time.Minute))
		require.NotZero(t, workDone, "the CPU job finished after the start")
		// About 10.5 min of work before, the rest after: it did not restart
		// from zero nor progress while hibernated.
		want := 30*time.Minute - hibAt.Sub(workStart)
		require.InDelta(t, want.Seconds(), workDone.Sub(started).Seconds(), 60)

		_, err = f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{m.ID()}})
		require.NoError(t, err)
		require.NoError(t, p.Sleep(time.Second))
		require.False(t, poller.Alive(), "a plain stop kills the processes")
		var se *ShutdownError
		require.ErrorAs(t, poller.Err(), &se)
	})
}
