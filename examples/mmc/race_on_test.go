//go:build race

package main

// raceEnabled: the tests that run the study in child processes skip under
// the race detector, which would make those children several times slower
// and checks nothing there (they test crashes, not concurrency; the
// in-process resume tests cover Run under -race).
const raceEnabled = true
