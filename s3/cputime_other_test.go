//go:build !unix

package s3

import "time"

// processCPU is unavailable here.
func processCPU() (time.Duration, bool) { return 0, false }
