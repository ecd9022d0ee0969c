package main

import (
	"testing"

	"github.com/nimbus-sim/nimbus/internal/cli/clitest"
)

// TestExitCodes: -files 0 exits 2 naming the flag, -h exits 0.
func TestExitCodes(t *testing.T) { clitest.CheckExitCodes(t, main, "retries", "-files", "0") }
