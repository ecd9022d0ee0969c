//go:build !race

package study_test

const raceEnabled = false
