package ec2

import (
	"github.com/nimbus-sim/nimbus/billing"
)

// Platforms: an AMI's platform details decide the instance's usage
// operation (the CUR's lineItem/Operation), its price and its billing
// granularity.
//
// Usage operations, from "AMI billing information fields":
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/billing-info-fields.html
//
// Granularity: per second with a 60-second minimum for Linux/UNIX, Windows,
// Red Hat Enterprise Linux and Ubuntu Pro; per started hour for SUSE Linux
// ("Per-second billing is available for ... Amazon Linux, Windows, Red Hat
// Enterprise Linux, Ubuntu and Ubuntu Pro", https://aws.amazon.com/ec2/pricing/on-demand/;
// RHEL since 2024-04-01, https://aws.amazon.com/about-aws/whats-new/2024/04/per-second-billing-ec2-rhel-based-instances/).
//
// Price: the type's Linux price (BoxUsage:<type>) plus the platform's
// license fee per vCPU-hour (PlatformFee:<platform> in billing's
// catalog), billed as one BoxUsage line with the platform's operation, as
// AWS bills it.

// Platform details, as DescribeImages reports them.
const (
	PlatformLinux     = "Linux/UNIX"
	PlatformWindows   = "Windows"
	PlatformRHEL      = "Red Hat Enterprise Linux"
	PlatformSUSE      = "SUSE Linux"
	PlatformUbuntuPro = "Ubuntu Pro"
)

type platformInfo struct {
	usageOperation string
	granularity    billing.Granularity
	fee            string // license fee usage type, "" for Linux/UNIX
}

func platformOf(details string) (platformInfo, bool) {
	switch details {
	case "", PlatformLinux:
		return platformInfo{"RunInstances", billing.PerSecond60, ""}, true
	case PlatformWindows:
		return platformInfo{"RunInstances:0002", billing.PerSecond60, "PlatformFee:Windows"}, true
	case PlatformRHEL:
		return platformInfo{"RunInstances:0010", billing.PerSecond60, "PlatformFee:RHEL"}, true
	case PlatformSUSE:
		return platformInfo{"RunInstances:000g", billing.PerHour, "PlatformFee:SUSE"}, true
	case PlatformUbuntuPro:
		return platformInfo{"RunInstances:0g00", billing.PerSecond60, "PlatformFee:UbuntuPro"}, true
	}
	return platformInfo{}, false
}

// Granularity returns how instances launched from an image are billed.
func (img *Image) Granularity() billing.Granularity {
	pl, _ := platformOf(img.PlatformDetails)
	return pl.granularity
}

// platformMeter adapts an instance's usage record to its platform: the
// usage operation, and for licensed platforms the price (the catalog's
// BoxUsage price, or the spot price already in u, plus the fee per vCPU).
// It returns the meter's granularity.
func (s *Service) platformMeter(m *Machine, u *billing.Usage) billing.Granularity {
	pl, _ := platformOf(m.image.PlatformDetails)
	if pl.fee == "" {
		return pl.granularity
	}
	if m.spot != nil {
		u.Operation = pl.usageOperation + ":SV001"
	} else {
		u.Operation = pl.usageOperation
		if rt, err := s.ledger.Catalog().Lookup(m.region, u.UsageType); err == nil {
			u.Price = rt.UnitPrice()
		}
	}
	if rt, err := s.ledger.Catalog().Lookup(m.region, pl.fee); err == nil {
		u.Price += rt.UnitPrice() * billing.Price(m.itype.VCPUs)
	}
	return pl.granularity
}

// checkPlatformPrice refuses a launch whose platform fee the catalog
// cannot price.
func (s *Service) checkPlatformPrice(region string, img *Image, it *InstanceTypeInfo) error {
	pl, ok := platformOf(img.PlatformDetails)
	if !ok {
		return clientErr("InvalidAMIID.Unavailable", "The image %s has an unknown platform %q.", img.ImageId, img.PlatformDetails)
	}
	if pl.fee == "" {
		return nil
	}
	if _, err := s.ledger.Catalog().Lookup(region, pl.fee); err != nil {
		return clientErr("Unsupported", "Your requested instance type (%s) is not supported in your requested region (%s) for platform %s: the price list has no %s.",
			it.InstanceType, region, img.PlatformDetails, pl.fee)
	}
	return nil
}
