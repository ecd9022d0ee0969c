package billing

import (
	"github.com/nimbus-sim/nimbus/sim"
)

// Path classifies a data transfer the way AWS bills it (categories from
// the AWS Global Network FAQs [data transfer FAQ]).
type Path uint8

const (
	// PathInternetIn: from the internet in — free.
	PathInternetIn Path = iota
	// PathSameAZ: within one AZ (or between a regional service and a
	// resource in the same region, e.g. EC2 to S3) — free, not itemized.
	PathSameAZ
	// PathCrossAZ: between AZs of a region — $0.01/GB charged in each
	// direction, so both the sender and the receiver pay.
	PathCrossAZ
	// PathCrossRegion: to another region — charged to the source region.
	PathCrossRegion
	// PathInternetOut: to the internet — tiered per month, the first 100 GB
	// free account-wide (always-free).
	PathInternetOut
)

func (p Path) String() string {
	switch p {
	case PathInternetIn:
		return "internet-in"
	case PathSameAZ:
		return "same-az"
	case PathCrossAZ:
		return "cross-az"
	case PathCrossRegion:
		return "cross-region"
	case PathInternetOut:
		return "internet-out"
	}
	return "Path(?)"
}

// Endpoint is one end of a transfer: the internet, or a place in a region
// (AZ "" for a regional service endpoint such as S3), with the account and
// resource billed for that side.
type Endpoint struct {
	Internet   bool
	Region     string
	AZ         string
	Account    string // defaults to the Transfer's Account
	ResourceID string // defaults to the Transfer's ResourceID
}

// Transfer is bytes moved between two endpoints.
type Transfer struct {
	Account    string // payer of the sending side (and default for the other)
	Service    string // reporting service; "" bills under AWSDataTransfer
	Operation  string
	ResourceID string
	Tags       map[string]string
	From, To   Endpoint
	Bytes      int64
	// NATGatewayID, if set, names the NAT gateway (in From's region) that
	// processed the bytes: $0.045/GB processing on top of the transfer.
	NATGatewayID string
	Start, End   sim.Time
}

// Classify returns the billing path of a transfer.
func (t Transfer) Classify() Path {
	switch {
	case t.From.Internet:
		return PathInternetIn
	case t.To.Internet:
		return PathInternetOut
	case t.From.Region != t.To.Region:
		return PathCrossRegion
	case t.From.AZ != "" && t.To.AZ != "" && t.From.AZ != t.To.AZ:
		return PathCrossAZ
	}
	return PathSameAZ
}

// RecordTransfer meters a data transfer by path and returns the path. It
// records the usage types AWS shows on a CUR: DataTransfer-In-Bytes ($0),
// DataTransfer-Regional-Bytes on both sides of a cross-AZ transfer,
// "<SRC>-<DST>-AWS-Out-Bytes" on the source of a cross-region transfer
// (and the free AWS-In-Bytes on the destination), DataTransfer-Out-Bytes
// to the internet, and NatGateway-Bytes for NAT processing.
func (l *Ledger) RecordTransfer(t Transfer) (Path, error) {
	if t.Bytes < 0 {
		return 0, newErr(ErrInvalidUsage, "billing: negative transfer of %d bytes", t.Bytes)
	}
	if t.From.Internet && t.To.Internet {
		return 0, newErr(ErrInvalidUsage, "billing: a transfer from the internet to the internet is not AWS's to bill")
	}
	side := func(e Endpoint, region, az, usageType string) Usage {
		u := Usage{Account: t.Account, Service: t.Service, UsageType: usageType, Operation: t.Operation,
			Region: region, AZ: az, ResourceID: t.ResourceID, Tags: t.Tags, Start: t.Start, End: t.End, Quantity: t.Bytes}
		if e.Account != "" {
			u.Account = e.Account
		}
		if e.ResourceID != "" {
			u.ResourceID = e.ResourceID
		}
		return u
	}
	p := t.Classify()
	var err error
	switch p {
	case PathInternetIn:
		err = l.Record(side(t.To, t.To.Region, t.To.AZ, "DataTransfer-In-Bytes"))
	case PathInternetOut:
		err = l.Record(side(t.From, t.From.Region, t.From.AZ, "DataTransfer-Out-Bytes"))
	case PathCrossRegion:
		src, ok1 := l.cat.Region(t.From.Region)
		dst, ok2 := l.cat.Region(t.To.Region)
		if !ok1 || !ok2 {
			return p, newErr(ErrUnknownRegion, "billing: transfer between regions %q and %q: not both in the price catalog", t.From.Region, t.To.Region)
		}
		if err = l.Record(side(t.From, t.From.Region, t.From.AZ, dst.Pair+"-AWS-Out-Bytes")); err == nil {
			err = l.Record(side(t.To, t.To.Region, t.To.AZ, src.Pair+"-AWS-In-Bytes"))
		}
	case PathCrossAZ:
		if err = l.Record(side(t.From, t.From.Region, t.From.AZ, "DataTransfer-Regional-Bytes")); err == nil {
			err = l.Record(side(t.To, t.To.Region, t.To.AZ, "DataTransfer-Regional-Bytes"))
		}
	}
	if err == nil && t.NATGatewayID != "" {
		region := t.From.Region
		if region == "" {
			region = t.To.Region
		}
		u := side(Endpoint{ResourceID: t.NATGatewayID}, region, "", "NatGateway-Bytes")
		u.Service = "AmazonEC2"
		err = l.Record(u)
	}
	return p, err
}
