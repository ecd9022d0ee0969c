package ec2

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// TestMachineProcessCarriesItsLocation: a process started on an instance
// carries the instance's place (its host, its primary interface, on an
// instance), so every service sees where its calls come from; the
// interface has the instance type's bandwidth.
func TestMachineProcessCarriesItsLocation(t *testing.T) {
	f := newFixture(t, 1, Options{})
	var loc region.Location
	var ok bool
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		_, err := m.Go("app", func(q *sim.Proc) {
			loc, ok = region.LocationOf(context.WithValue(q, testCtxKey{}, 1))
		})
		require.NoError(t, err)
	})
	require.True(t, ok)
	n := loc.Network()
	require.True(t, n.OnInstance)
	require.NotEmpty(t, n.NetworkInterfaceID)
	require.NotEmpty(t, loc.AZ())
	st, found := f.w.Network().InterfaceStats(n.NetworkInterfaceID)
	require.True(t, found)
	require.Zero(t, st.Flows)
}

// TestWaiterTakesContext: WaitUntilInstanceRunning takes any context
// derived from the calling process, and a nil context is an error.
func TestWaiterTakesContext(t *testing.T) {
	f := newFixture(t, 1, Options{})
	var err, nilErr error
	f.do(time.Hour, func(p *sim.Proc) {
		out, rerr := f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "m5.large", MinCount: 1, MaxCount: 1})
		require.NoError(t, rerr)
		ctx, cancel := sim.WithTimeout(context.WithValue(p, testCtxKey{}, 1), 30*time.Minute)
		defer cancel()
		err = f.c.WaitUntilInstanceRunning(ctx, []string{out.Instances[0].InstanceId}, 10*time.Minute)
		//lint:ignore SA1012 a nil context is the bad input under test
		nilErr = f.c.WaitUntilInstanceRunning(nil, nil, time.Minute) //nolint:staticcheck
	})
	require.NoError(t, err)
	require.ErrorIs(t, nilErr, sim.ErrNoProcess)
}

// testCtxKey keys test values in derived contexts.
type testCtxKey struct{}
