//go:build !linux

package s3

// processFaults is unavailable here.
func processFaults() (int64, bool) { return 0, false }
