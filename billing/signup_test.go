package billing

import (
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

// The free tier by account age [AWS Free Tier]: accounts created before
// 2025-07-15 keep the legacy 12-month offers, later ones get credits.
func TestPlanForSignUpSplitsAt20250715(t *testing.T) {
	change := time.Date(2025, time.July, 15, 0, 0, 0, 0, time.UTC)
	require.Equal(t, change, FreeTierChange())
	require.Equal(t, PlanLegacy, PlanForSignUp(change.Add(-time.Nanosecond)))
	require.Equal(t, PlanLegacy, PlanForSignUp(time.Date(2019, time.May, 2, 0, 0, 0, 0, time.UTC)))
	require.Equal(t, PlanCreditFree, PlanForSignUp(change))
	require.Equal(t, PlanCreditFree, PlanForSignUp(time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)))
}

func TestSignUpSetsThePlanOfTheCreationDate(t *testing.T) {
	env := sim.New(1) // epoch 2026-01-01
	t.Cleanup(env.Close)
	led := New(env, nil)
	legacy := time.Date(2025, time.March, 1, 0, 0, 0, 0, time.UTC)
	ok, err := led.SignUp("111111111111", legacy)
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = led.SignUp("222222222222", env.NowTime())
	require.NoError(t, err)
	require.True(t, ok)

	// One t3.micro each, all January (744 h): free on the legacy account
	// (750 h a month until February 2026); on the newcomer's Free plan the
	// list price is charged and the sign-up credits pay it.
	for _, id := range []string{"111111111111", "222222222222"} {
		u := instance("i-"+id, "t3.micro")
		u.Account = id
		mustStart(t, led, u, PerSecond60)
	}
	runMonth(env)
	inv := led.Invoice("111111111111", jan2026)
	require.Len(t, inv.Lines, 1)
	require.Equal(t, 0, inv.Lines[0].FreeAmount.Cmp(inv.Lines[0].Amount), "all 744 h free")
	require.Equal(t, Money(0), inv.Total)

	inv = led.Invoice("222222222222", jan2026)
	require.Equal(t, hoursAt(744, "0.0104"), inv.Usage)
	require.Equal(t, -inv.Usage, inv.Credits)
	require.Equal(t, Money(0), inv.Total)
	require.True(t, led.FreePlanActive("222222222222"))
}

func TestSignUpLeavesAnExplicitPlanAlone(t *testing.T) {
	env := sim.New(1)
	t.Cleanup(env.Close)
	led := New(env, nil)
	require.NoError(t, led.SetAccount(Account{ID: acct, Plan: PlanNone}))
	ok, err := led.SignUp(acct, time.Date(2024, time.June, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.False(t, ok)
	require.Equal(t, PlanNone, led.account(acct).plan)

	// A ledger built WithDefaultPlan chose for every account.
	led = New(env, nil, WithDefaultPlan(PlanNone))
	ok, err = led.SignUp(acct, time.Date(2024, time.June, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.False(t, ok)
	require.Equal(t, PlanNone, led.account(acct).plan)

	_, err = New(env, nil).SignUp("", env.NowTime())
	require.Error(t, err)
}
