package iam

import (
	"time"
)

// AccountOption configures CreateAccount.
type AccountOption func(*accountConfig)

type accountConfig struct {
	created time.Time
}

// CreatedAt says the account was opened at t, a calendar instant no later
// than the current virtual time: a simulation that starts in 2026 can
// still hold an account opened in 2024. The date matters to billing:
// accounts opened before 2025-07-15 keep AWS's legacy 12-month free tier,
// later ones get the credit-based plans (see billing.PlanForSignUp).
func CreatedAt(t time.Time) AccountOption {
	return func(c *accountConfig) { c.created = t }
}

func (s *Service) accountCreated(opts []AccountOption) (time.Time, error) {
	now := s.env.NowTime()
	created := now
	if len(opts) > 0 {
		// The options see the config through a pointer, which puts it on
		// the heap: only when there are options.
		c := accountConfig{created: now}
		for _, o := range opts {
			if o == nil {
				return time.Time{}, invalidInput("nil AccountOption")
			}
			o(&c)
		}
		created = c.created
	}
	if created.IsZero() {
		return time.Time{}, invalidInput("account creation time must be set; omit CreatedAt to create the account now")
	}
	if created.After(now) {
		return time.Time{}, invalidInput("account creation time %s is after the current time %s",
			created.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return created.UTC(), nil
}

// AccountCreatedAt returns when accountID was opened, and false if there
// is no such account.
func (s *Service) AccountCreatedAt(accountID string) (time.Time, bool) {
	a, ok := s.accounts[accountID]
	if !ok {
		return time.Time{}, false
	}
	return a.created, true
}

// OnAccountCreated registers f to run on every later CreateAccount, with
// the account's ID and sign-up instant, before the account exists; an
// error from f aborts the creation and is returned by CreateAccount.
// region.World uses it to set up each new account's billing.
func (s *Service) OnAccountCreated(f func(accountID string, created time.Time) error) {
	if f == nil {
		panic("iam: OnAccountCreated with nil func")
	}
	s.onCreate = append(s.onCreate, f)
}
