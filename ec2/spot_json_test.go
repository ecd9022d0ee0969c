package ec2

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSpotInstanceActionJSONIsMarshal: the hand-appended
// spot/instance-action body is byte for byte what json.Marshal makes of
// its fields, for the three behaviours, for strings json.Marshal escapes
// (quotes, backslashes, HTML characters, control and non-ASCII bytes) and
// for times of any zone and of years outside four digits.
func TestSpotInstanceActionJSONIsMarshal(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 890, time.FixedZone("x", 3600))
	times := []time.Time{at, {}, at.AddDate(9000, 0, 0), at.AddDate(-2100, 0, 0), time.Unix(1<<40, 0)}
	actions := []string{"terminate", "stop", "hibernate", "", `a"b\c`, "<tag>&amp;", "tab\there\x01\x7f", "é\u2028ü", "\xff\xfe"}
	for _, tm := range times {
		for _, act := range actions {
			want, err := json.Marshal(struct {
				Action string `json:"action"`
				Time   string `json:"time"`
			}{act, tm.UTC().Format("2006-01-02T15:04:05Z")})
			require.NoError(t, err)
			require.Equal(t, string(want), SpotInstanceAction{Action: act, Time: tm}.json())
		}
	}
}
