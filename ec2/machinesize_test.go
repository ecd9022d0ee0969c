package ec2

import (
	"testing"
	"unsafe"
)

// TestMachineSize keeps a Machine within 512 bytes (see Machine): every
// launch allocates one and keeps it for the hour the instance stays
// describable.
func TestMachineSize(t *testing.T) {
	if n := unsafe.Sizeof(Machine{}); n > 512 {
		t.Errorf("a Machine takes %d bytes, want at most 512", n)
	}
}
