package iam

import (
	"errors"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/internal/awserr"
	"github.com/nimbus-sim/nimbus/sim"
	"github.com/stretchr/testify/require"
)

func TestCreateAccountRecordsItsCreationTime(t *testing.T) {
	env := sim.New(1)
	t.Cleanup(env.Close)
	svc := NewService(env)
	var seen []time.Time
	svc.OnAccountCreated(func(id string, created time.Time) error {
		_, exists := svc.AccountCreatedAt(id)
		require.False(t, exists, "the hook runs before the account exists")
		seen = append(seen, created)
		return nil
	})

	_, err := svc.CreateAccount(acctA) // now: the simulation's epoch
	require.NoError(t, err)
	got, ok := svc.AccountCreatedAt(acctA)
	require.True(t, ok)
	require.Equal(t, env.NowTime(), got)

	old := time.Date(2024, time.March, 1, 9, 30, 0, 0, time.UTC)
	_, err = svc.CreateAccount(acctB, CreatedAt(old))
	require.NoError(t, err)
	got, _ = svc.AccountCreatedAt(acctB)
	require.Equal(t, old, got)
	require.Equal(t, []time.Time{env.NowTime(), old}, seen)

	_, ok = svc.AccountCreatedAt("999999999999")
	require.False(t, ok)
}

func TestCreateAccountRejectsAFutureOrZeroCreationTime(t *testing.T) {
	env := sim.New(1)
	t.Cleanup(env.Close)
	svc := NewService(env)
	for _, created := range []time.Time{env.NowTime().Add(time.Second), {}} {
		_, err := svc.CreateAccount(acctA, CreatedAt(created))
		var ae *awserr.Error
		require.True(t, errors.As(err, &ae), "err = %v", err)
		require.Equal(t, "InvalidInput", ae.Code)
		_, ok := svc.AccountCreatedAt(acctA)
		require.False(t, ok, "a rejected account must not exist")
	}
}

func TestAccountCreatedHookErrorAbortsTheAccount(t *testing.T) {
	env := sim.New(1)
	t.Cleanup(env.Close)
	svc := NewService(env)
	boom := errors.New("billing refused")
	svc.OnAccountCreated(func(string, time.Time) error { return boom })
	_, err := svc.CreateAccount(acctA)
	require.ErrorIs(t, err, boom)
	_, ok := svc.AccountCreatedAt(acctA)
	require.False(t, ok)
}
