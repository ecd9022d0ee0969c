package billing_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nimbus-sim/nimbus/billing"
)

// TestCURColumnsIsACopy: the CUR column list was an exported slice that
// any code could edit under every other ledger's export; it is now a
// function returning a fresh copy.
func TestCURColumnsIsACopy(t *testing.T) {
	cols := billing.CURColumns()
	require.Equal(t, "bill_billing_period_start_date", cols[0])
	cols[0] = "tampered"
	require.Equal(t, "bill_billing_period_start_date", billing.CURColumns()[0])
	var buf bytes.Buffer
	require.NoError(t, billing.WriteCUR(&buf, nil))
	header := strings.TrimSpace(buf.String())
	require.Equal(t, strings.Join(billing.CURColumns(), ","), header)
}
