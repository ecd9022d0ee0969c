package billing

import "time"

// FreeTierChange returns the instant, 2025-07-15 00:00 UTC (AWS gives the
// date only; UTC midnight is this package's reading), at which
// AWS's free tier changed: accounts created before it keep the legacy
// 12-month free tier; accounts created on or after it get the
// credit-based Free or Paid plan [AWS Free Tier].
func FreeTierChange() time.Time { return time.Date(2025, time.July, 15, 0, 0, 0, 0, time.UTC) }

// PlanForSignUp returns the free-tier plan AWS gives an account created at
// created: PlanLegacy before 2025-07-15, PlanCreditFree from then on (a
// newcomer chooses the Free or the Paid plan at sign-up; the Free plan is
// the one that charges nothing, so it is the default here, and SetAccount
// switches an account to PlanCreditPaid).
func PlanForSignUp(created time.Time) Plan {
	if created.Before(FreeTierChange()) {
		return PlanLegacy
	}
	return PlanCreditFree
}

// SignUp sets up billing for an account opened at the calendar instant
// created, as AWS does at sign-up: its plan follows the creation date
// (PlanForSignUp), and the 12-month tier or the credits run from it.
// region.World calls it for every iam.Service.CreateAccount.
//
// An explicit choice wins: SignUp leaves an account alone that SetAccount
// already configured, and every account of a ledger built
// WithDefaultPlan. It reports whether it set the account up.
func (l *Ledger) SignUp(accountID string, created time.Time) (bool, error) {
	if accountID == "" {
		return false, newErr(ErrInvalidUsage, "billing: account has no ID")
	}
	if l.planChosen {
		return false, nil
	}
	if a, ok := l.findAccount(accountID); ok && a.configured {
		return false, nil
	}
	err := l.SetAccount(Account{ID: accountID, Plan: PlanForSignUp(created), Created: l.env.FromTime(created)})
	return err == nil, err
}
