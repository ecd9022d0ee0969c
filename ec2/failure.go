package ec2

import "github.com/nimbus-sim/nimbus/failure"

// The failure layer's fault injectors act on the Service through these
// interfaces.
var (
	_ failure.VolumeTarget = (*Service)(nil)
	_ failure.SpotTarget   = (*Service)(nil)
)
