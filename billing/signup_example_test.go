package billing_test

import (
	"fmt"
	"time"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/sim"
)

// An account's free tier follows its sign-up date: the legacy 12-month
// offers before 2025-07-15, the credit-based Free plan after.
// region.World calls SignUp for every account IAM opens.
func ExampleLedger_SignUp() {
	env := sim.New(1) // the clock starts at 2026-01-01
	defer env.Close()
	led := billing.New(env, nil)
	for _, a := range []struct {
		id      string
		created time.Time
	}{
		{"111122223333", time.Date(2025, time.March, 1, 0, 0, 0, 0, time.UTC)},
		{"444455556666", env.NowTime()},
	} {
		if _, err := led.SignUp(a.id, a.created); err != nil {
			panic(err)
		}
	}
	fmt.Println(billing.PlanForSignUp(time.Date(2025, time.March, 1, 0, 0, 0, 0, time.UTC)))
	fmt.Println(billing.PlanForSignUp(env.NowTime()))
	fmt.Println(led.CreditBalance("444455556666"), led.FreePlanActive("444455556666"))
	// Output:
	// legacy-12-month
	// credit-free-plan
	// $100.00 true
}
