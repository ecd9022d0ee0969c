package billing

// watch is the per-account budget state (see budgets below).
type watch struct {
	budgets []*budgetState
}

type budgetState struct{}

// Alert is a budget notification that fired.
type Alert struct{}

// touch notes that an account's cost may have changed at the current
// instant; budgets are re-evaluated once per instant.
func (l *Ledger) touch(account string) {}
