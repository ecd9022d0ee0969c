package main

import (
	"testing"

	"github.com/nimbus-sim/nimbus/internal/cli/clitest"
)

// TestExitCodes: -per-az 0 exits 2 naming the flag, -h exits 0.
func TestExitCodes(t *testing.T) { clitest.CheckExitCodes(t, main, "inference", "-per-az", "0") }
