package main

import (
	"testing"

	"github.com/nimbus-sim/nimbus/internal/cli/clitest"
)

// TestExitCodes: -queries 0 exits 2 naming the flag, -h exits 0.
func TestExitCodes(t *testing.T) { clitest.CheckExitCodes(t, main, "latency", "-queries", "0") }
