package ec2

import (
	"context"
	"time"
)

// DescribeSpotPriceHistoryInput selects pools (no InstanceTypes: every
// type offered in the region) and a time window (zero times: the current
// price only).
type DescribeSpotPriceHistoryInput struct {
	InstanceTypes    []InstanceType
	AvailabilityZone string // the account's zone name; empty: every zone of the region
	StartTime        time.Time
	EndTime          time.Time
}

// SpotPrice is one price of a pool from a timestamp on.
type SpotPrice struct {
	AvailabilityZone   string
	AvailabilityZoneId string
	InstanceType       InstanceType
	ProductDescription string
	SpotPrice          string // dollars per hour, as EC2 prints it
	Timestamp          time.Time
}

// DescribeSpotPriceHistoryOutput lists prices, newest first per pool.
type DescribeSpotPriceHistoryOutput struct {
	SpotPriceHistory []SpotPrice
}

// DescribeSpotPriceHistory returns the spot price path of the selected
// pools: the price in force at StartTime and every change up to EndTime.
func (c *Client) DescribeSpotPriceHistory(ctx context.Context, in *DescribeSpotPriceHistoryInput) (*DescribeSpotPriceHistoryOutput, error) {
	if in == nil {
		in = &DescribeSpotPriceHistoryInput{}
	}
	out := &DescribeSpotPriceHistoryOutput{}
	err := c.call(ctx, "DescribeSpotPriceHistory", resRef{}, nil, func(account string) error {
		s := c.svc
		r, err := s.w.Region(c.region)
		if err != nil {
			return err
		}
		var zones []string
		if in.AvailabilityZone != "" {
			azID, err := s.w.AZID(account, in.AvailabilityZone)
			if err != nil {
				return err
			}
			if z, _ := s.w.AZ(azID); z.Region().Code() != c.region {
				return clientErr("InvalidParameterValue", "Invalid availability zone: [%s]", in.AvailabilityZone)
			}
			zones = []string{azID}
		} else {
			for _, z := range r.AZs() {
				zones = append(zones, z.ID())
			}
		}
		types := in.InstanceTypes
		if len(types) == 0 {
			// InstanceTypes is optional: every type offered in the region
			// (the catalog's rows the ledger can price there).
			for _, it := range sortedInstanceTypes() {
				if s.canPrice(c.region, &it, true, "") == nil {
					types = append(types, it.InstanceType)
				}
			}
		}
		now := s.env.Now()
		from, to := now, now
		if !in.StartTime.IsZero() {
			from = min(s.env.FromTime(in.StartTime), now)
		}
		if !in.EndTime.IsZero() {
			to = min(s.env.FromTime(in.EndTime), now)
		}
		if to < from {
			return clientErr("InvalidParameterValue", "EndTime must not be before StartTime")
		}
		for _, t := range types {
			it, ok := catalog[t]
			if !ok {
				return errInvalidValue(string(t), "InstanceType")
			}
			for _, azID := range zones {
				p := s.pool(azID, c.region, it)
				s.priceAt(p, to) // extend the path
				name, _ := s.azName(account, azID)
				var pts []SpotPrice
				for i, pt := range p.prices {
					next := s.env.TimeOf(1<<62 - 1)
					if i+1 < len(p.prices) {
						next = s.env.TimeOf(p.prices[i+1].at)
					}
					if pt.at > to || !next.After(s.env.TimeOf(from)) {
						continue
					}
					pts = append(pts, SpotPrice{AvailabilityZone: name, AvailabilityZoneId: azID, InstanceType: t,
						ProductDescription: "Linux/UNIX", SpotPrice: dollars(pt.microUSD), Timestamp: s.env.TimeOf(pt.at)})
				}
				for i := len(pts) - 1; i >= 0; i-- {
					out.SpotPriceHistory = append(out.SpotPriceHistory, pts[i])
				}
			}
		}
		return nil
	})
	return out, wrap("DescribeSpotPriceHistory", err)
}
