package iam

// Parsing policy documents: IAM User Guide, "IAM JSON policy elements
// reference" and "Grammar of the IAM JSON policy language".

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
)

func TestParsePolicyShapes(t *testing.T) {
	p, err := ParsePolicy(`{
	  "Version": "2012-10-17", "Id": "bucket-policy",
	  "Statement": [{
	    "Sid": "AllowOrg", "Effect": "Allow",
	    "Principal": {"AWS": ["111122223333", "arn:aws:iam::444455556666:role/R"], "Service": "ec2.amazonaws.com"},
	    "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*",
	    "Condition": {"NumericLessThanEquals": {"s3:max-keys": 10}, "Bool": {"aws:SecureTransport": true}}
	  }, {
	    "Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
	    "NotAction": "s3:Get*", "NotResource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]
	  }]}`)
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != Version2012 || p.ID != "bucket-policy" || len(p.Statements) != 2 {
		t.Fatalf("%+v", p)
	}
	s0, s1 := p.Statements[0], p.Statements[1]
	if s0.Sid != "AllowOrg" || s0.Effect != Allow || len(s0.Principal.AWS) != 2 || s0.Principal.Service[0] != "ec2.amazonaws.com" {
		t.Errorf("statement 0 %+v", s0)
	}
	// Conditions are sorted by operator; numbers and booleans become text.
	if len(s0.Condition) != 2 || s0.Condition[0].Operator != "Bool" || s0.Condition[0].Values[0] != "true" || s0.Condition[1].Values[0] != "10" {
		t.Errorf("conditions %+v", s0.Condition)
	}
	if !s1.NotPrincipal || !s1.NotAction || !s1.NotResource || s1.Effect != Deny {
		t.Errorf("statement 1 %+v", s1)
	}
	// Canonical form round-trips and is valid JSON.
	q, err := ParsePolicy(p.String())
	if err != nil || !q.Equal(p) {
		t.Fatalf("round trip: %v\n%s\n%s", err, p, q)
	}
	if !json.Valid([]byte(p.String())) {
		t.Error("canonical form is not JSON")
	}
	star, err := ParsePolicy(`{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}`)
	if err != nil || !star.Statements[0].Principal.All || star.Version != "" {
		t.Errorf("principal * / no version: %+v %v", star, err)
	}
}

// TestMalformedPolicyDocuments: every malformed document is rejected with
// MalformedPolicyDocument (HTTP 400), a reason and a location.
func TestMalformedPolicyDocuments(t *testing.T) {
	cases := []struct {
		name, doc, reason, loc string
	}{
		{"empty", ``, "empty", ""},
		{"not JSON", `{"Version": "2012-10-17",`, "Syntax errors", "line 1"},
		{"syntax error location", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [}\n", "Syntax errors", "line 3"},
		{"array at top", `[]`, "must be a JSON object", ""},
		{"trailing data", `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}} x`, "unexpected data", "line 1"},
		{"unknown top-level element", `{"Version":"2012-10-17","Statment":[]}`, "unknown element", "Statment"},
		{"bad version", `{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, "Version must be", "Version"},
		{"missing Statement", `{"Version":"2012-10-17"}`, "missing required element Statement", ""},
		{"empty Statement", `{"Statement":[]}`, "Statement is empty", "Statement"},
		{"statement not an object", `{"Statement":["x"]}`, "must be an object", "Statement[0]"},
		{"missing Effect", `{"Statement":[{"Action":"*","Resource":"*"}]}`, "Missing required field Effect", "Statement[0]"},
		{"bad Effect", `{"Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}`, "Invalid effect", "Statement[0].Effect"},
		{"missing Action", `{"Statement":[{"Effect":"Allow","Resource":"*"}]}`, "Missing required field Action", "Statement[0]"},
		{"Action and NotAction", `{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"}]}`, "both Action and NotAction", "Statement[0]"},
		{"action without vendor", `{"Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]}`, "prefaced by a vendor", "Statement[0].Action[0]"},
		{"action not a string", `{"Statement":[{"Effect":"Allow","Action":[1],"Resource":"*"}]}`, "want a string", "Statement[0].Action[0]"},
		{"empty action list", `{"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}`, "empty list", "Statement[0].Action"},
		{"resource not an ARN", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"bucket/*"}]}`, "must be in ARN format", "Statement[0].Resource[0]"},
		{"resource without vendor", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws::::x"}]}`, "vendor must be fully qualified", "Statement[0].Resource[0]"},
		{"Resource and NotResource", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}]}`, "both Resource and NotResource", "Statement[0]"},
		{"unknown statement element", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Conditions":{}}]}`, "unknown statement element", "Statement[0].Conditions"},
		{"duplicate Sid", `{"Statement":[{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}]}`, "must be unique", "Statement[1].Sid"},
		{"principal string not *", `{"Statement":[{"Effect":"Allow","Principal":"111122223333","Action":"*","Resource":"*"}]}`, "Invalid principal", "Statement[0].Principal"},
		{"unknown principal type", `{"Statement":[{"Effect":"Allow","Principal":{"Users":"x"},"Action":"*","Resource":"*"}]}`, "unknown principal type", "Statement[0].Principal.Users"},
		{"bad AWS principal", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"*","Resource":"*"}]}`, "Invalid principal", "Statement[0].Principal.AWS[0]"},
		{"unknown condition operator", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqual":{"aws:username":"a"}}}]}`, "Invalid Condition type", "Statement[0].Condition.StringEqual"},
		{"bad set qualifier", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForSomeValues:StringEquals":{"aws:TagKeys":"a"}}}]}`, "Invalid Condition type", "Statement[0].Condition"},
		{"NullIfExists", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NullIfExists":{"aws:TagKeys":"true"}}}]}`, "Null takes neither", "Statement[0].Condition"},
		{"condition block not an object", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":"x"}}]}`, "must map condition keys", "Statement[0].Condition.StringEquals"},
		{"numeric value not a number", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}}]}`, "needs a number", "Statement[0].Condition.NumericLessThan.s3:max-keys[0]"},
		{"numeric value NaN", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"NaN"}}}]}`, "needs a number", "Statement[0].Condition.NumericLessThan.s3:max-keys[0]"},
		{"numeric value Inf", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericGreaterThan":{"s3:max-keys":"-Inf"}}}]}`, "needs a number", "Statement[0].Condition.NumericGreaterThan.s3:max-keys[0]"},
		{"numeric value hex float", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"s3:max-keys":"0x1p4"}}}]}`, "needs a number", "Statement[0].Condition.NumericEquals.s3:max-keys[0]"},
		// "IAM JSON policy elements: Principal": no wildcard to match part
		// of a principal name or ARN.
		{"wildcard in a principal ARN", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/*"},"Action":"*","Resource":"*"}]}`, "wildcards cannot match part", "Statement[0].Principal.AWS[0]"},
		{"wildcard account in a principal ARN", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::*:root"]},"Action":"*","Resource":"*"}]}`, "wildcards cannot match part", "Statement[0].Principal.AWS[1]"},
		{"date value not a date", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"tomorrow"}}}]}`, "ISO 8601", "Statement[0].Condition.DateLessThan.aws:CurrentTime[0]"},
		{"bad CIDR", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}}]}`, "IPv4 or IPv6", "Statement[0].Condition.IpAddress.aws:SourceIp[0]"},
		{"bad Bool", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"yes"}}}]}`, "\"true\" or \"false\"", "Statement[0].Condition.Bool"},
		{"bad binary", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"BinaryEquals":{"k":"%%%"}}}]}`, "base64", "Statement[0].Condition.BinaryEquals"},
		{"condition value null", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":null}}}]}`, "condition value must be", "Statement[0].Condition.StringEquals.aws:username"},
		{"bad default in variable", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/${aws:username, x}"}]}`, "single quotes", "Statement[0].Resource[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParsePolicy(c.doc)
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, ErrMalformedPolicyDocument) {
				t.Fatalf("not MalformedPolicyDocument: %v", err)
			}
			var api smithy.APIError
			if !errors.As(err, &api) || api.ErrorCode() != "MalformedPolicyDocument" {
				t.Errorf("not a smithy.APIError: %v", err)
			}
			var pe *PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("no *PolicyError in %v", err)
			}
			if !strings.Contains(pe.Reason, c.reason) {
				t.Errorf("reason %q lacks %q", pe.Reason, c.reason)
			}
			if !strings.HasPrefix(pe.Location, c.loc) {
				t.Errorf("location %q, want prefix %q", pe.Location, c.loc)
			}
		})
	}
}

func TestPolicyShapeChecks(t *testing.T) {
	if _, err := ParseTrustPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`); !errors.Is(err, ErrMalformedPolicyDocument) {
		t.Errorf("trust policy without principal: %v", err)
	}
	if _, err := ParseTrustPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"s3:GetObject"}]}`); !errors.Is(err, ErrMalformedPolicyDocument) {
		t.Errorf("trust policy with a non-STS action: %v", err)
	}
	// "AWS JSON policy elements: NotPrincipal": not in a role trust policy.
	if _, err := ParseTrustPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]}`); !errors.Is(err, ErrMalformedPolicyDocument) || !strings.Contains(err.Error(), "NotPrincipal") {
		t.Errorf("trust policy with NotPrincipal: %v", err)
	}
	if _, err := ParseResourcePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`); !errors.Is(err, ErrMalformedPolicyDocument) {
		t.Errorf("resource policy without principal: %v", err)
	}
	// "AWS JSON policy elements: NotPrincipal": Deny only.
	if _, err := ParseResourcePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"*"}]}`); !errors.Is(err, ErrMalformedPolicyDocument) || !strings.Contains(err.Error(), "NotPrincipal") {
		t.Errorf("resource policy with NotPrincipal and Allow: %v", err)
	}
	if _, err := ParseResourcePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"*"}]}`); err != nil {
		t.Errorf("resource policy with NotPrincipal and Deny: %v", err)
	}
	if _, err := ParseResourcePolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`); err != nil {
		t.Errorf("valid bucket policy: %v", err)
	}
}

// FuzzParsePolicy: parsing never panics; every error is a
// MalformedPolicyDocument with a *PolicyError; whatever parses prints to a
// canonical form that parses to the same canonical form, and evaluates
// without panicking.
func FuzzParsePolicy(f *testing.F) {
	f.Add(benchPolicy)
	f.Add(`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)
	req := benchRequest()
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := ParsePolicy(doc)
		if err != nil {
			var pe *PolicyError
			if !errors.Is(err, ErrMalformedPolicyDocument) || !errors.As(err, &pe) || pe.Reason == "" {
				t.Fatalf("bad error for %q: %v", doc, err)
			}
			return
		}
		canon := p.String()
		q, err := ParsePolicy(canon)
		if err != nil {
			t.Fatalf("canonical form does not parse: %v\n%s", err, canon)
		}
		if q.String() != canon {
			t.Fatalf("canonical form not stable:\n%s\n%s", canon, q.String())
		}
		if p.Evaluate(req) != q.Evaluate(req) {
			t.Fatalf("canonical form evaluates differently:\n%s", canon)
		}
	})
}
