package main

import (
	"testing"

	"github.com/nimbus-sim/nimbus/internal/cli/clitest"
)

// TestExitCodes: -bucket A_b exits 2 naming the flag, -h exits 0.
func TestExitCodes(t *testing.T) { clitest.CheckExitCodes(t, main, "iam-debug", "-bucket", "A_b") }
