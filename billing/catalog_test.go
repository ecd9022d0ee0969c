package billing

import (
	"bytes"
	"errors"
	"math/big"
	"strings"
	"testing"
)

func TestDefaultCatalogResolvesEveryProductInEveryRegion(t *testing.T) {
	c := DefaultCatalog()
	if len(c.Products) < 60 || len(c.Regions) < 5 {
		t.Fatalf("catalog has %d products, %d regions", len(c.Products), len(c.Regions))
	}
	for _, r := range c.Regions {
		for _, p := range c.Products {
			ut := p.UsageType
			if strings.HasSuffix(ut, "*") {
				ut = strings.TrimSuffix(ut, "*") + "m5.large"
			}
			if strings.HasPrefix(ut, "AWS-") {
				continue // inter-region types need a destination
			}
			rt, err := c.Lookup(r.Code, ut)
			if err != nil {
				t.Errorf("%s %s: %v", r.Code, ut, err)
				continue
			}
			if !rt.CallerPriced && len(rt.tiers) == 0 {
				t.Errorf("%s %s: no price", r.Code, ut)
			}
		}
	}
}

func TestCatalogListPrices(t *testing.T) {
	c := DefaultCatalog()
	for _, tc := range []struct{ region, ut, price string }{
		{"us-east-1", "BoxUsage:t3.micro", "0.0104"},       // [on-demand prices]
		{"us-east-1", "BoxUsage:m5.large", "0.096"},        // 2.1
		{"us-east-1", "BoxUsage:p3.2xlarge", "3.06"},       // 2.1
		{"eu-west-1", "BoxUsage:c5.large", "0.095965"},     // 0.085 × 1.129 [price list 2018]
		{"ap-northeast-1", "BoxUsage:t3.large", "0.10816"}, // 0.0832 × 1.30
		{"us-east-1", "EBS:VolumeUsage.gp3", "0.08"},       // [AWS pricing pages]
		{"us-east-1", "TimedStorage-ByteHrs", "0.023"},     // 8.2
		{"sa-east-1", "DataTransfer-Out-Bytes", "0.15"},    // 8.3
		{"ap-northeast-1", "USE1-AWS-Out-Bytes", "0.09"},   // 8.3
		{"us-east-1", "USE2-AWS-Out-Bytes", "0.01"},        // 8.3 us-east-1 ↔ us-east-2
		{"us-east-1", "USW2-AWS-Out-Bytes", "0.02"},        // 8.3
		{"us-east-1", "Lambda-GB-Second", "0.0000166667"},  // [Lambda pricing]
		{"us-east-1", "Lambda-Storage-GB-Second", "0.0000000309"},
		{"us-east-1", "PublicIPv4:InUseAddress", "0.005"}, // [public IPv4 pricing]
		{"us-east-1", "NatGateway-Bytes", "0.045"},        // 8.4
	} {
		rt, err := c.Lookup(tc.region, tc.ut)
		if err != nil {
			t.Errorf("%s %s: %v", tc.region, tc.ut, err)
			continue
		}
		if got := rt.UnitPrice(); got != MustParsePrice(tc.price) {
			t.Errorf("%s %s = %v, want $%s", tc.region, tc.ut, got, tc.price)
		}
	}
}

func TestCatalogMergeExtendsAndOverrides(t *testing.T) {
	extra, err := ParseCatalog([]byte(`{
		"regions": [{"code": "eu-central-1", "prefix": "EUC1", "multipliers": {"m5": "1.2"}}],
		"products": [
			{"usageType": "BoxUsage:m5.large", "service": "AmazonEC2", "unit": "Hrs", "rawUnit": "second", "family": "m5", "price": "0.1"},
			{"usageType": "Requests-Custom", "service": "Mine", "unit": "Requests", "rawUnit": "request", "price": "0.000001"}
		]}`))
	if err != nil {
		t.Fatal(err)
	}
	c, err := DefaultCatalog().Merge(extra)
	if err != nil {
		t.Fatal(err)
	}
	if rt, err := c.Lookup("eu-central-1", "EUC1-BoxUsage:m5.large"); err != nil || rt.UnitPrice() != MustParsePrice("0.12") {
		t.Errorf("override × new region multiplier: %v %v", rt.UnitPrice(), err)
	}
	if _, err := c.Lookup("us-east-1", "Requests-Custom"); err != nil {
		t.Errorf("added product: %v", err)
	}
	if rt, _ := DefaultCatalog().Lookup("us-east-1", "BoxUsage:m5.large"); rt.UnitPrice() != MustParsePrice("0.096") {
		t.Error("Merge modified the default catalog")
	}
}

func TestParseCatalogRejectsBadFiles(t *testing.T) {
	for name, doc := range map[string]string{
		"not json":          `{`,
		"unknown field":     `{"regions": [], "products": [], "colour": 1}`,
		"no unit":           `{"regions": [], "products": [{"usageType": "X", "price": "1"}]}`,
		"bad price":         `{"regions": [], "products": [{"usageType": "X", "unit": "Hrs", "rawUnit": "second", "price": "1.2.3"}]}`,
		"too fine":          `{"regions": [], "products": [{"usageType": "X", "unit": "Hrs", "rawUnit": "second", "price": "0.0000000000000001"}]}`,
		"tiers not rising":  `{"regions": [], "products": [{"usageType": "X", "unit": "GB", "rawUnit": "byte", "tiers": [{"upTo": 10, "price": "1"}, {"upTo": 5, "price": "1"}, {"price": "1"}]}]}`,
		"bounded last tier": `{"regions": [], "products": [{"usageType": "X", "unit": "GB", "rawUnit": "byte", "tiers": [{"upTo": 10, "price": "1"}]}]}`,
		"unknown units":     `{"regions": [], "products": [{"usageType": "X", "unit": "Furlongs", "rawUnit": "inch", "price": "1"}]}`,
		"duplicate":         `{"regions": [], "products": [{"usageType": "X", "unit": "Hrs", "rawUnit": "second", "price": "1"}, {"usageType": "X", "unit": "Hrs", "rawUnit": "second", "price": "1"}]}`,
		"bad multiplier":    `{"regions": [{"code": "r", "prefix": "R", "multipliers": {"m5": "-1"}}], "products": []}`,
		"price for unknown": `{"regions": [], "products": [{"usageType": "X", "unit": "Hrs", "rawUnit": "second", "price": "1", "regionPrices": {"nowhere": [{"price": "1"}]}}]}`,
	} {
		if _, err := ParseCatalog([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestLookupErrors(t *testing.T) {
	c := DefaultCatalog()
	if _, err := c.Lookup("us-east-1", "BoxUsage:z9.huge"); !errors.Is(err, ErrUnknownUsageType) {
		t.Errorf("unknown type: %v", err)
	}
	if _, err := c.Lookup("moon-1", "BoxUsage:m5.large"); !errors.Is(err, ErrUnknownRegion) {
		t.Errorf("unknown region: %v", err)
	}
	if _, err := c.Lookup("us-east-1", "ZZZ9-AWS-Out-Bytes"); !errors.Is(err, ErrUnknownUsageType) {
		t.Errorf("unknown destination: %v", err)
	}
}

// FuzzParseCatalog: parsing never panics, and a parsed catalog survives a
// round trip through MarshalJSON with every lookup unchanged.
func FuzzParseCatalog(f *testing.F) {
	f.Add(DefaultCatalogJSON())                                                                                                                                                                                                         // the real catalog
	f.Add([]byte(`{"regions":[{"code":"r1","prefix":"R1","multipliers":{"a":"1.5"}}],"products":[{"usageType":"U","service":"S","unit":"Hrs","rawUnit":"second","family":"a","price":"0.01"}]}`))                                       // multiplier
	f.Add([]byte(`{"regions":[{"code":"r1","prefix":""}],"products":[{"usageType":"T","unit":"GB","rawUnit":"byte","tiers":[{"upTo":1,"price":"2"},{"price":"1"}]}]}`))                                                                 // tiers
	f.Add([]byte(`{"regions":[{"code":"r1","prefix":"","pair":"R1"},{"code":"r2","prefix":"R2"}],"products":[{"usageType":"AWS-Out-Bytes","unit":"GB","rawUnit":"byte","price":"0.02","regionPrices":{"r1>r2":[{"price":"0.01"}]}}]}`)) // pair price
	f.Add([]byte(`{"regions":[],"products":[{"usageType":"S:*","unit":"Hrs","rawUnit":"second","callerPriced":true}]}`))                                                                                                                // wildcard
	f.Add([]byte(`{"regions":[{"code":""}]}`))                                                                                                                                                                                          // invalid: empty code
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCatalog(data)
		if err != nil {
			return
		}
		out, err := c.MarshalJSON()
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		c2, err := ParseCatalog(out)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
		for _, r := range c.Regions {
			for _, p := range c.Products {
				a, errA := c.Lookup(r.Code, p.UsageType)
				b, errB := c2.Lookup(r.Code, p.UsageType)
				if (errA == nil) != (errB == nil) {
					t.Fatalf("%s %s: %v vs %v", r.Code, p.UsageType, errA, errB)
				}
				if errA == nil && (a.UnitPrice() != b.UnitPrice() || len(a.tiers) != len(b.tiers)) {
					t.Fatalf("%s %s: %v vs %v", r.Code, p.UsageType, a.UnitPrice(), b.UnitPrice())
				}
			}
		}
	})
}

// FuzzParseMoney: a parsed amount prints and parses back to itself, and
// agrees with an exact big.Rat reading of the same decimal.
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{
		"7.59",                 // plain dollars
		"$70.08",               // with a dollar sign
		"-1.000000001",         // negative, finest unit
		"0.0000000001",         // too fine: rejected
		"9223372036.854775807", // the largest amount
		"9223372037",           // overflow: rejected
		".5",                   // no whole part
		"1e3",                  // not decimal: rejected
		"",                     // empty
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoney(s)
		if err != nil {
			return
		}
		back, err := ParseMoney(m.String())
		if err != nil || back != m {
			t.Fatalf("%q → %v → %v, %v", s, m, back, err)
		}
		r, ok := new(big.Rat).SetString(strings.Replace(strings.TrimSpace(s), "$", "", 1))
		if !ok {
			t.Fatalf("%q parsed as money but not as a rational", s)
		}
		if r.Mul(r, big.NewRat(int64(Dollar), 1)); !r.IsInt() || r.Num().Int64() != int64(m) {
			t.Fatalf("%q: ParseMoney %d, exact %v", s, int64(m), r)
		}
	})
}

func TestMoneyFormatting(t *testing.T) {
	for _, tc := range []struct {
		m    Money
		s    string
		cent int64
	}{
		{0, "$0.00", 0},
		{MustParseMoney("7.592"), "$7.592", 759},
		{MustParseMoney("0.005"), "$0.005", 1},    // half up
		{MustParseMoney("-0.005"), "-$0.005", -1}, // half away from zero
		{MustParseMoney("0.004999999"), "$0.004999999", 0},
		{Money(1), "$0.000000001", 0},
	} {
		if tc.m.String() != tc.s || tc.m.Cents() != tc.cent {
			t.Errorf("%d: %q %d, want %q %d", int64(tc.m), tc.m.String(), tc.m.Cents(), tc.s, tc.cent)
		}
	}
	if p := MustParsePrice("0.0000000309"); p != 30_900_000 || p.String() != "$0.0000000309" {
		t.Errorf("finest list price: %d %v", int64(p), p)
	}
	var buf bytes.Buffer
	if err := WriteCURJSON(&buf, nil); err != nil || strings.TrimSpace(buf.String()) != "[]" {
		t.Errorf("empty JSON export: %q %v", buf.String(), err)
	}
}

// FuzzParseMonth: a parsed month prints back to the same text.
func FuzzParseMonth(f *testing.F) {
	f.Add("2026-01") // the default epoch's month
	f.Add("1999-12") // year boundary
	f.Add("2026-13") // invalid month
	f.Add("2026-1")  // missing zero
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMonth(s)
		if err != nil {
			return
		}
		if m.String() != s {
			t.Fatalf("%q → %v", s, m)
		}
		if m2, err := ParseMonth(m.String()); err != nil || m2 != m {
			t.Fatalf("%q → %v → %v %v", s, m, m2, err)
		}
	})
}
