package region

import (
	"github.com/nimbus-sim/nimbus/billing"
	"github.com/nimbus-sim/nimbus/iam"
)

// IAM returns the world's identity service, the provider side that
// authenticates and authorizes every call. Services use it inside their
// effects (ec2 reads an instance profile's role); scenario code calls IAM
// and STS through IAMClient and STSClient, which go through the pipeline.
func (w *World) IAM() *iam.Service { return w.iam }

// Billing returns the world's ledger: services meter usage to it (through
// Call.Record in the pipeline, or directly for timed meters).
func (w *World) Billing() *billing.Ledger { return w.ledger }

// Record queues a usage record for step 7 of the pipeline: it goes to the
// world's ledger when the outcome is billed (after success; after a
// failure only where Request.BillErrors bills it). A zero Start/End means
// "now"; an empty Region or Operation is filled from the request, an
// empty Account with the payer (Call.Payer). A ledger error (unknown usage type, say) is a programming
// error of the service and panics, so mis-metering cannot pass silently.
func (c *Call) Record(u billing.Usage) {
	if u.Region == "" {
		u.Region = c.serviceRegion
	}
	if u.Operation == "" {
		u.Operation = c.req.Operation
	}
	if u.Account == "" {
		u.Account = c.Payer()
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

// RecordTransfer queues a data-transfer record for step 7, metered when
// the outcome is billed, to the payer unless Account is set. Services use it for the bytes a request moves (an
// S3 GET's body to the internet, say); From/To can come from
// BillingEndpoint(c.Request().From) and c.Endpoint().
func (c *Call) RecordTransfer(t billing.Transfer) {
	if t.Operation == "" {
		t.Operation = c.req.Operation
	}
	if t.Account == "" {
		t.Account = c.Payer()
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
