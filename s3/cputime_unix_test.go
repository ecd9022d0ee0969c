//go:build unix

package s3

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user and system) the process has used:
// on a loaded machine a benchmark's wall time includes waiting for a core,
// its CPU time does not.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
