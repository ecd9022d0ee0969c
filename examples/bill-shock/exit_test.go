package main

import (
	"testing"

	"github.com/nimbus-sim/nimbus/internal/cli/clitest"
)

// TestExitCodes: -budget 0 exits 2 naming the flag, -h exits 0.
func TestExitCodes(t *testing.T) { clitest.CheckExitCodes(t, main, "bill-shock", "-budget", "0") }
