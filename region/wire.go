package region

import (
	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/iam"
)

// IAM returns the world's identity service (accounts, users, roles,
// policies, STS); the default guard authenticates and authorizes with it.
func (w *World) IAM() *iam.Service { return w.iam }

// Billing returns the world's ledger: services meter usage to it (through
// Call.Record in the pipeline, or directly for timed meters).
func (w *World) Billing() *billing.Ledger { return w.ledger }

// Record queues a usage record for step 7 of the pipeline: it goes to the
// world's ledger after the effect succeeds, never for a failed request. A
// zero Start/End means "now"; an empty Region or Operation is filled from
// the request. A ledger error (unknown usage type, say) is a programming
// error of the service and panics, so mis-metering cannot pass silently.
func (c *Call) Record(u billing.Usage) {
	if u.Region == "" {
		u.Region = c.serviceRegion
	}
	if u.Operation == "" {
		u.Operation = c.req.Operation
	}
	if u.Account == "" {
		u.Account = c.principal.Account
	}
	led := c.w.ledger
	c.Meter(func() {
		if err := led.Record(u); err != nil {
			panic("region: metering " + u.UsageType + ": " + err.Error())
		}
	})
}

// BillingEndpoint returns the billing view of a location, for
// billing.Transfer: the internet, or a region and zone.
func BillingEndpoint(l Location) billing.Endpoint {
	if l.internet {
		return billing.Endpoint{Internet: true}
	}
	return billing.Endpoint{Region: l.region, AZ: l.az}
}

// RecordTransfer queues a data-transfer record for step 7, metered after
// the effect succeeds. Services use it for the bytes a request moves (an
// S3 GET's body to the internet, say); From/To can come from
// BillingEndpoint(c.Request().From) and c.Endpoint().
func (c *Call) RecordTransfer(t billing.Transfer) {
	if t.Operation == "" {
		t.Operation = c.req.Operation
	}
	if t.Account == "" {
		t.Account = c.principal.Account
	}
	led := c.w.ledger
	c.Meter(func() {
		if _, err := led.RecordTransfer(t); err != nil {
			panic("region: metering transfer: " + err.Error())
		}
	})
}

// Endpoint returns the billing endpoint of the service side of the call:
// the serving region, regional (no zone).
func (c *Call) Endpoint() billing.Endpoint { return billing.Endpoint{Region: c.serviceRegion} }
