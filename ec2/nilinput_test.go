package ec2

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
)

// A nil input is an empty request, as the SDK treats it: the answer is a
// client error naming the missing parameter, never a panic.
func TestNilInputIsAMissingParameter(t *testing.T) {
	f := newFixture(t, 91, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		for _, tc := range []struct {
			op   string
			call func() error
			code string
		}{
			{"RunInstances", func() error { _, err := f.c.RunInstances(p, nil); return err }, "InvalidParameterValue"},
			{"StopInstances", func() error { _, err := f.c.StopInstances(p, nil); return err }, "MissingParameter"},
			{"StartInstances", func() error { _, err := f.c.StartInstances(p, nil); return err }, "MissingParameter"},
			{"RebootInstances", func() error { _, err := f.c.RebootInstances(p, nil); return err }, "MissingParameter"},
			{"TerminateInstances", func() error { _, err := f.c.TerminateInstances(p, nil); return err }, "MissingParameter"},
			{"CreateVolume", func() error { _, err := f.c.CreateVolume(p, nil); return err }, "MissingParameter"},
			{"AttachVolume", func() error { _, err := f.c.AttachVolume(p, nil); return err }, "MissingParameter"},
			{"DetachVolume", func() error { _, err := f.c.DetachVolume(p, nil); return err }, "MissingParameter"},
			{"DeleteVolume", func() error { _, err := f.c.DeleteVolume(p, nil); return err }, "MissingParameter"},
			{"CreateSnapshot", func() error { _, err := f.c.CreateSnapshot(p, nil); return err }, "MissingParameter"},
			{"DeleteSnapshot", func() error { _, err := f.c.DeleteSnapshot(p, nil); return err }, "MissingParameter"},
		} {
			t.Run(tc.op, func(t *testing.T) { wantCode(t, tc.call(), tc.code) })
		}
	})
}
