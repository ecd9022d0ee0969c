//go:build linux

package s3

import "syscall"

// processFaults returns how many page faults the process has taken. A
// page that allocates its response in memory the process has never
// touched (the heap still growing towards its first collection, as after
// a big bucket is loaded) pays a fault for every 4 KiB page of it, which
// a benchmark's CPU time shows but does not explain.
func processFaults() (int64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return ru.Minflt + ru.Majflt, true
}
