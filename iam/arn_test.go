package iam

// ARN format: AWS General Reference, "Amazon Resource Names (ARNs)"
// (arn:partition:service:region:account-id:resource, with resource-type/
// resource-id or resource-type:resource-id), and IAM User Guide, "IAM
// identifiers" (IAM ARNs have no region; paths).

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseARN(t *testing.T) {
	cases := []struct {
		in                                    string
		partition, service, region, acct, res string
		resType, resID, name, path            string
	}{
		{"arn:aws:s3:::training-data", "aws", "s3", "", "", "training-data", "", "training-data", "training-data", "/"},
		{"arn:aws:s3:::training-data/a/b.pt", "aws", "s3", "", "", "training-data/a/b.pt", "training-data", "a/b.pt", "b.pt", "/a/"},
		{"arn:aws:iam::111122223333:user/alice", "aws", "iam", "", "111122223333", "user/alice", "user", "alice", "alice", "/"},
		{"arn:aws:iam::111122223333:role/path/to/Name", "aws", "iam", "", "111122223333", "role/path/to/Name", "role", "path/to/Name", "Name", "/path/to/"},
		{"arn:aws:iam::111122223333:root", "aws", "iam", "", "111122223333", "root", "", "root", "root", "/"},
		{"arn:aws:sts::111122223333:assumed-role/Trainer/job-1", "aws", "sts", "", "111122223333", "assumed-role/Trainer/job-1", "assumed-role", "Trainer/job-1", "job-1", "/Trainer/"},
		{"arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0", "aws", "ec2", "us-east-1", "111122223333", "instance/i-0123456789abcdef0", "instance", "i-0123456789abcdef0", "i-0123456789abcdef0", "/"},
		{"arn:aws:logs:us-east-1:111122223333:log-group:/train:*", "aws", "logs", "us-east-1", "111122223333", "log-group:/train:*", "log-group", "/train:*", "train:*", "/"},
		{"arn:aws-cn:s3:::bucket", "aws-cn", "s3", "", "", "bucket", "", "bucket", "bucket", "/"},
		{"arn:aws-us-gov:iam::123456789012:policy/P", "aws-us-gov", "iam", "", "123456789012", "policy/P", "policy", "P", "P", "/"},
	}
	for _, c := range cases {
		a, err := ParseARN(c.in)
		if err != nil {
			t.Errorf("ParseARN(%q): %v", c.in, err)
			continue
		}
		got := []string{a.Partition, a.Service, a.Region, a.AccountID, a.Resource, a.ResourceType(), a.ResourceID(), a.Name()}
		want := []string{c.partition, c.service, c.region, c.acct, c.res, c.resType, c.resID, c.name}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("ParseARN(%q) field %d = %q, want %q", c.in, i, got[i], want[i])
			}
		}
		if c.service == "iam" || c.service == "sts" {
			if a.Path() != c.path {
				t.Errorf("%q Path() = %q, want %q", c.in, a.Path(), c.path)
			}
		}
		if a.String() != c.in || !a.IsValid() {
			t.Errorf("round trip %q -> %q", c.in, a.String())
		}
		var b ARN
		txt, _ := a.MarshalText()
		if err := b.UnmarshalText(txt); err != nil || b != a {
			t.Errorf("text round trip of %q: %v %v", c.in, b, err)
		}
	}
}

func TestParseARNErrorsQuoteInput(t *testing.T) {
	for _, in := range []string{
		"", "arn", "arn:aws", "arn:aws:s3", "arn:aws:s3::", "arn:aws:s3:::", // too few sections / empty resource
		"urn:aws:s3:::b", "ARN:aws:s3:::b", // prefix is case-sensitive
		"arn::s3:::b", "arn:aws::::b", // empty partition, service
	} {
		_, err := ParseARN(in)
		if err == nil {
			t.Errorf("ParseARN(%q) accepted", in)
			continue
		}
		if !strings.Contains(err.Error(), `"`+in+`"`) {
			t.Errorf("error %q does not quote the input %q", err, in)
		}
	}
	var zero ARN
	if zero.IsValid() || zero.String() != "" {
		t.Error("the zero ARN is invalid and prints empty")
	}
	// ARNs are comparable values usable as map keys.
	m := map[ARN]int{MustParseARN("arn:aws:s3:::b"): 1}
	if m[MustParseARN("arn:aws:s3:::b")] != 1 {
		t.Error("equal ARNs are not equal map keys")
	}
}

// FuzzParseARN: parsing never panics, and whatever parses prints back to
// the same text and parses to an equal value.
func FuzzParseARN(f *testing.F) {
	for _, s := range []string{"arn:aws:s3:::b", "arn:aws:iam::111122223333:role/a/b", "arn:aws:logs:r:1:g:x:y", "arn:::::", "arn:a:b:c:d:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseARN(s)
		if err != nil {
			if a != (ARN{}) {
				t.Fatalf("error with non-zero ARN %#v", a)
			}
			return
		}
		if a.String() != s {
			t.Fatalf("ParseARN(%q).String() = %q", s, a.String())
		}
		b, err := ParseARN(a.String())
		if err != nil || b != a {
			t.Fatalf("reparse of %q: %#v %v", s, b, err)
		}
		_, _, _, _ = a.ResourceType(), a.ResourceID(), a.Name(), a.Path()
	})
}

// parseARNSplit is ParseARN's former plain form, strings.Cut by strings.Cut:
// FuzzParseARNSame holds the word-at-a-time colon search to it.
func parseARNSplit(s string) (ARN, bool) {
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return ARN{}, false
	}
	var parts [4]string
	for i := range parts {
		var found bool
		parts[i], rest, found = strings.Cut(rest, ":")
		if !found {
			return ARN{}, false
		}
	}
	a := ARN{Partition: parts[0], Service: parts[1], Region: parts[2], AccountID: parts[3], Resource: rest}
	if a.Partition == "" || a.Service == "" || a.Resource == "" {
		return ARN{}, false
	}
	return a, true
}

// FuzzParseARNSame: ParseARN splits every text where the plain search for
// colons does, and accepts exactly the texts it accepts.
func FuzzParseARNSame(f *testing.F) {
	for _, s := range []string{"arn:aws:s3:::b", "arn:aws:iam::111122223333:role/a/b", "arn:aws:logs:r:1:g:x:y", "arn:::::",
		"arn:a:b:c:d:", "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0", "arn:aws:s3:::training-data/shards/part-00042.tar",
		"arn:aws:ec2:us-east-1:111122223333", "arn:aws:ec2:us-east-1:111122223333:", "arn:a:b:c:d:e", "arn:aws:sqs:us-east-1:1:q\xff:", "arn"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseARN(s)
		b, ok := parseARNSplit(s)
		require.Equal(t, ok, err == nil, "ParseARN(%q): %v", s, err)
		require.Equal(t, b, a, "ParseARN(%q)", s)
	})
}

func BenchmarkParseARN(b *testing.B) {
	for b.Loop() {
		if _, err := ParseARN("arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseARNSplit(b *testing.B) {
	for b.Loop() {
		if _, ok := parseARNSplit("arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0"); !ok {
			b.Fatal("no")
		}
	}
}
