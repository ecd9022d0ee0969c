package ec2

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/sim"
	"pgregory.net/rapid"
)

func TestDescribeInstancesFilters(t *testing.T) {
	f := newFixture(t, 93, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		_, err := f.c.CreateKeyPair(p, &CreateKeyPairInput{KeyName: "ops"})
		must(t, err)
		web := f.launch(p, RunInstancesInput{InstanceType: "m5.large", KeyName: "ops",
			Placement:         &Placement{AvailabilityZone: "us-east-1a"},
			TagSpecifications: []TagSpecification{{ResourceType: "instance", Tags: []Tag{{Key: "Name", Value: "web-1"}}}}})
		db := f.launch(p, RunInstancesInput{InstanceType: "r5.large",
			Placement:         &Placement{AvailabilityZone: "us-east-1b"},
			TagSpecifications: []TagSpecification{{ResourceType: "instance", Tags: []Tag{{Key: "Name", Value: "db-1"}}}}})
		_, err = f.c.StopInstances(p, &StopInstancesInput{InstanceIds: []string{db.ID()}})
		must(t, err)
		ids := func(fs ...Filter) string {
			t.Helper()
			out, err := f.c.DescribeInstances(p, &DescribeInstancesInput{Filters: fs})
			must(t, err)
			var got []string
			for _, r := range out.Reservations {
				for _, i := range r.Instances {
					switch i.InstanceId {
					case web.ID():
						got = append(got, "web")
					case db.ID():
						got = append(got, "db")
					}
				}
			}
			sort.Strings(got)
			return strings.Join(got, ",")
		}
		for _, tc := range []struct {
			name string
			fs   []Filter
			want string
		}{
			{"state", []Filter{{"instance-state-name", []string{"running"}}}, "web"},
			{"state code", []Filter{{"instance-state-code", []string{"64", "80"}}}, "db"},
			{"type wildcard", []Filter{{"instance-type", []string{"*5.large"}}}, "db,web"},
			{"tag wildcard", []Filter{{"tag:Name", []string{"web-?"}}}, "web"},
			{"tag-key", []Filter{{"tag-key", []string{"Name"}}}, "db,web"},
			{"zone name", []Filter{{"availability-zone", []string{"us-east-1b"}}}, "db"},
			{"zone id", []Filter{{"availability-zone-id", []string{db.AvailabilityZoneID()}}}, "db"},
			{"key", []Filter{{"key-name", []string{"ops"}}}, "web"},
			{"instance-id", []Filter{{"instance-id", []string{web.ID()}}}, "web"},
			{"and", []Filter{{"instance-type", []string{"r5.*"}}, {"instance-state-name", []string{"running"}}}, ""},
			{"no match", []Filter{{"tag:Name", []string{"web"}}}, ""},
		} {
			if got := ids(tc.fs...); got != tc.want {
				t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
			}
		}
		_, err = f.c.DescribeInstances(p, &DescribeInstancesInput{Filters: []Filter{{"public-ip", []string{"1.2.3.4"}}}})
		wantCode(t, err, "InvalidParameterValue")
		if err != nil && !strings.Contains(err.Error(), "The filter 'public-ip' is invalid") {
			t.Errorf("message %q", err)
		}
	})
}

// TestWildcardMatchAgreesWithRegexp compares the filter matcher with the
// regular expression each pattern stands for.
func TestWildcardMatchAgreesWithRegexp(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		pat := rapid.StringMatching(`[ab*?\\]{0,8}`).Draw(rt, "pattern")
		s := rapid.StringMatching(`[ab*?\\]{0,10}`).Draw(rt, "s")
		var re strings.Builder
		re.WriteString("^")
		for i := 0; i < len(pat); i++ {
			switch c := pat[i]; {
			case c == '*':
				re.WriteString(".*")
			case c == '?':
				re.WriteString(".")
			case c == '\\' && i+1 < len(pat):
				i++
				re.WriteString(regexp.QuoteMeta(pat[i : i+1]))
			default:
				re.WriteString(regexp.QuoteMeta(pat[i : i+1]))
			}
		}
		re.WriteString("$")
		want := regexp.MustCompile(re.String()).MatchString(s)
		if got := wildcardMatch(pat, s); got != want {
			rt.Fatalf("wildcardMatch(%q, %q) = %v, regexp %s says %v", pat, s, got, re.String(), want)
		}
	})
}
