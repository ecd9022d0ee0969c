package region

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/failure"
	"github.com/nimbus-sim/nimbus/sim"
)

var (
	_ failure.ServiceChecker = Faults{}
	_ failure.RegionChecker  = Faults{}
	_ failure.AZChecker      = Faults{}
	_ failure.HostChecker    = Faults{}
)

// TestFaultRatesCheckNames: SetErrorRate, SetThrottleRate and
// SetTimeoutRate refuse an unknown service, an empty region and a global
// service in a region that does not serve it; a registered service, or
// one that has made a call, is known.
func TestFaultRatesCheckNames(t *testing.T) {
	w := pipelineWorld(t, 1)
	f := w.Faults()
	require.Error(t, f.SetErrorRate("nosuch", "us-east-1", 0.1))
	require.Error(t, f.SetThrottleRate("nosuch", "*", 0.1))
	require.Error(t, f.SetTimeoutRate("s3", "", 0.1))
	require.Error(t, f.SetErrorRate("s3", "us-east-9", 0.1))
	require.Error(t, f.SetErrorRate("iam", "eu-west-1", 0.1), "IAM is served from us-east-1")
	require.NoError(t, f.SetErrorRate("iam", "us-east-1", 0.1))
	require.NoError(t, f.SetErrorRate("s3", "*", 0.1))

	require.Error(t, f.SetErrorRate("dynamodb", "us-east-1", 0.1))
	require.NoError(t, w.RegisterService("dynamodb"))
	require.NoError(t, f.SetErrorRate("dynamodb", "us-east-1", 0.1))
	require.Error(t, w.RegisterService("Bad Name"))

	// A service that has made a call is known too.
	root, err := w.CreateAccount("444455556666")
	require.NoError(t, err)
	run(w, func(p *sim.Proc) {
		_ = w.Call(p, Request{Service: "kinesis", Operation: "ListStreams", Region: "us-east-1", Credentials: root},
			func(*Call) error { return nil })
	})
	require.NoError(t, f.SetThrottleRate("kinesis", "us-east-1", 0.5))

	require.NoError(t, f.CheckRegion("us-east-1"))
	require.Error(t, f.CheckRegion("us-east-9"))
	require.NoError(t, f.CheckAZ("use1-az1"))
	require.Error(t, f.CheckAZ("use1-az9"))
	require.Error(t, f.CheckHost("h-nope"))
}

// TestHarnessRefusesUnknownService: a harness over w.Faults() refuses a
// plan naming an unknown service when it is armed, not when it fires.
func TestHarnessRefusesUnknownService(t *testing.T) {
	w := pipelineWorld(t, 1)
	h, err := failure.NewHarness(w.Env(), w.Faults())
	require.NoError(t, err)
	err = h.Start(failure.At(time.Hour, failure.For(failure.Errors("nosuch", "us-east-1", 0.5), time.Minute)))
	require.ErrorContains(t, err, "nosuch")
	require.NoError(t, h.Start(failure.At(time.Hour, failure.For(failure.Errors("s3", "us-east-1", 0.5), time.Minute))))
}
