package s3

import (
	"testing"

	"github.com/nimbus-sim/nimbus/billing"
	"github.com/stretchr/testify/require"
)

// TestS3PricesUSEast1 pins the price of every usage type this package
// meters, in us-east-1, per pricing unit (GB-month, request, GB), as AWS
// lists them on https://aws.amazon.com/s3/pricing/ (as of 2026-12; the
// early-deletion charges are the rest of the minimum duration at the
// storage price, https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html).
// Every usage type the classes table and the tiering name must be here.
func TestS3PricesUSEast1(t *testing.T) {
	want := map[string]string{
		"TimedStorage-ByteHrs":         "0.023",     // Standard, first 50 TB
		"TimedStorage-SIA-ByteHrs":     "0.0125",    // Standard-IA
		"TimedStorage-ZIA-ByteHrs":     "0.01",      // One Zone-IA
		"TimedStorage-GIR-ByteHrs":     "0.004",     // Glacier Instant Retrieval
		"TimedStorage-INT-FA-ByteHrs":  "0.023",     // Intelligent-Tiering Frequent Access
		"TimedStorage-INT-IA-ByteHrs":  "0.0125",    // Infrequent Access
		"TimedStorage-INT-AIA-ByteHrs": "0.004",     // Archive Instant Access
		"Monitoring-Automation-INT":    "0.0000025", // $0.0025 per 1,000 objects
		"Requests-Tier1":               "0.000005",  // $0.005 per 1,000 PUT, COPY, POST, LIST
		"Requests-Tier2":               "0.0000004", // $0.0004 per 1,000 GET and others
		"Requests-SIA-Tier1":           "0.00001",   // $0.01 per 1,000
		"Requests-SIA-Tier2":           "0.000001",  // $0.001 per 1,000
		"Requests-ZIA-Tier1":           "0.00001",
		"Requests-ZIA-Tier2":           "0.000001",
		"Requests-GIR-Tier1":           "0.00002", // $0.02 per 1,000
		"Requests-GIR-Tier2":           "0.00001", // $0.01 per 1,000
		"Requests-INT-Tier1":           "0.000005",
		"Requests-INT-Tier2":           "0.0000004",
		"Retrieval-SIA":                "0.01", // per GB
		"Retrieval-ZIA":                "0.01",
		"Retrieval-GIR":                "0.03",
		"EarlyDelete-SIA":              "0.0125",
		"EarlyDelete-ZIA":              "0.01",
		"EarlyDelete-GIR":              "0.004",
		"DataTransfer-Out-Bytes":       "0.09", // to the internet, first 10 TB a month
		"USW2-AWS-Out-Bytes":           "0.02", // to another region
	}
	used := map[string]bool{intMonitorUsage: true, "DataTransfer-Out-Bytes": true, "USW2-AWS-Out-Bytes": true}
	for _, c := range classes {
		for _, ut := range []string{c.storageUT, c.earlyUT, c.tier1UT, c.tier2UT, c.retrievalUT} {
			if ut != "" {
				used[ut] = true
			}
		}
	}
	for _, ut := range tierUsage {
		used[ut] = true
	}
	cat := billing.DefaultCatalog()
	for ut := range used {
		price, ok := want[ut]
		require.True(t, ok, "usage type %s has no checked price", ut)
		rt, err := cat.Lookup("us-east-1", ut)
		require.NoError(t, err, ut)
		require.Equal(t, billing.MustParsePrice(price), rt.UnitPrice(), ut)
	}
	require.Len(t, want, len(used), "every checked price is one this package meters")
}
