package main

import (
	"bytes"
	"io"
	"testing"

	"github.com/nimbus-sim/nimbus/internal/cli"
	"github.com/nimbus-sim/nimbus/internal/golden"
	"github.com/stretchr/testify/require"
)

// TestGolden pins the output at seed 1 with the default flags (go test
// -update rewrites it).
func TestGolden(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run([]string{"-seed", "1"}, &out, io.Discard))
	golden.Check(t, "output.golden", out.Bytes())
	require.Contains(t, out.String(), "one object every 10000 years")
}

// TestMTTDLClosedForms checks the chain solver against the textbook
// closed forms: one replica 1/lambda, two (3 lambda + mu)/(2 lambda^2),
// and for three replicas with lambda << mu about mu^2/(3 lambda^3).
func TestMTTDLClosedForms(t *testing.T) {
	l, mu := 0.02, 200.0
	require.InDelta(t, 1/l, mttdl(1, l, mu), 1e-9)
	require.InEpsilon(t, (3*l+mu)/(2*l*l), mttdl(2, l, mu), 1e-12)
	require.InEpsilon(t, mu*mu/(3*l*l*l), mttdl(3, l, mu), 1e-3)
	// From two live replicas of three: second failure before repair, then
	// third before either of two repairs: about (2l/mu)(l/2mu).
	require.InEpsilon(t, l*l/(mu*mu), lossFromDegraded(3, l, mu), 1e-3)
}

// TestSimulationMatchesMarkov: at seed 1 the mean group losses of 8
// replications lie within their 95% CI, widened to 10% of the
// expectation, of the Markov model's count.
func TestSimulationMatchesMarkov(t *testing.T) {
	o, err := parse(nil, io.Discard)
	require.NoError(t, err)
	var xs []float64
	for i := range o.reps {
		r, err := simulate(o, 1000+uint64(i), 0)
		require.NoError(t, err)
		xs = append(xs, float64(r.groupLosses))
	}
	m, h := meanCI(xs)
	lambda, mu := float64(year)/float64(o.mttf), float64(year)/float64(o.repair)
	want := float64(o.groups) * o.years / mttdl(replicas, lambda, mu)
	require.InDelta(t, want, m, max(h, 0.1*want), "measured %.1f ± %.1f, Markov %.1f", m, h, want)
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		flag string
	}{
		{[]string{"-objects", "0"}, "-objects"},
		{[]string{"-nines", "30"}, "-nines"},
		{[]string{"-afr", "1.5"}, "-afr"},
		{[]string{"-years", "-1"}, "-years"},
		{[]string{"-groups", "0"}, "-groups"},
		{[]string{"-mttf", "1s"}, "-mttf"},
		{[]string{"-repair", "1000h"}, "-repair"},
		{[]string{"-az-loss-every", "1h"}, "-az-loss-every"},
		{[]string{"-zone-rebuild", "0s"}, "-zone-rebuild"},
		{[]string{"-reps", "1"}, "-reps"},
	} {
		err := run(tc.args, io.Discard, io.Discard)
		require.True(t, cli.IsUsage(err), "%v: %v", tc.args, err)
		require.Contains(t, err.Error(), tc.flag)
	}
}
