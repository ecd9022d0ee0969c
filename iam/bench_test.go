package iam

import (
	"fmt"
	"testing"
)

// benchPolicy is a 10-statement policy with wildcards and two conditions,
// the shape BenchmarkEvaluate's budget is stated for.
const benchPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "S0", "Effect": "Allow", "Action": ["ec2:Describe*", "ec2:Get*"], "Resource": "*"},
    {"Sid": "S1", "Effect": "Allow", "Action": "dynamodb:*", "Resource": "arn:aws:dynamodb:*:111122223333:table/app-*"},
    {"Sid": "S2", "Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"], "Resource": "arn:aws:sqs:us-east-1:111122223333:jobs-*"},
    {"Sid": "S3", "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"},
    {"Sid": "S4", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::training-*"},
    {"Sid": "S5", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "arn:aws:logs:*:*:log-group:/train/*"},
    {"Sid": "S6", "Effect": "Deny", "Action": "iam:*", "Resource": "*"},
    {"Sid": "S7", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:us-east-1:111122223333:key/*"},
    {"Sid": "S8", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::training-*/*",
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "S9", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::training-*/*",
     "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d"}}}
  ]
}`

func benchRequest() *Request {
	return &Request{
		Principal: testUser(),
		Action:    "s3:GetObject",
		Resource:  MustParseARN("arn:aws:s3:::training-data/shards/part-00042.tar"),
		Context: map[string][]string{
			"aws:SecureTransport": {"true"},
			"aws:SourceVpce":      {"vpce-0a1b2c3d"},
			"aws:SourceIp":        {"10.0.3.17"},
		},
	}
}

// BenchmarkEvaluate: one compiled 10-statement policy against one request
// that walks every statement (the allow is the last one and two
// conditions are checked). Budget: 2 µs and at most 1 allocation.
func BenchmarkEvaluate(b *testing.B) {
	pol := MustParsePolicy(benchPolicy)
	req := benchRequest()
	if got := pol.Evaluate(req); got != Allowed {
		b.Fatalf("benchmark request: got %v, want Allow", got)
	}
	b.ReportAllocs()
	for b.Loop() {
		if pol.Evaluate(req) != Allowed {
			b.Fatal("decision changed")
		}
	}
	b.ReportMetric(float64(len(pol.Statements)), "statements")
}

// BenchmarkAuthorize: the Service path a request pipeline takes (identity
// policies of a user from the cache, no resource policy).
func BenchmarkAuthorize(b *testing.B) {
	svc, root := newTestService(b)
	mustDo(b, svc.PutUserPolicy(root, "alice", "bench", benchPolicy))
	p, err := svc.Authenticate(aliceKey(b, svc, root))
	if err != nil {
		b.Fatal(err)
	}
	req := benchRequest()
	req.Principal = p
	req.ResourceAccount = p.AccountID
	if d := svc.Authorize(req); !d.Allowed {
		b.Fatal(d.Explain())
	}
	b.ReportAllocs()
	for b.Loop() {
		if !svc.Authorize(req).Allowed {
			b.Fatal("decision changed")
		}
	}
}

func TestEvaluateAllocations(t *testing.T) {
	pol := MustParsePolicy(benchPolicy)
	req := benchRequest()
	if n := testing.AllocsPerRun(200, func() { pol.Evaluate(req) }); n > 1 {
		t.Errorf("Policy.Evaluate allocates %v times per call; budget is 1", n)
	}
	svc, _, p := aliceWithPolicy(t, "bench", benchPolicy)
	req.Principal = p
	svc.Authorize(req) // warm the identity cache
	if n := testing.AllocsPerRun(200, func() { svc.Authorize(req) }); n > 1 {
		t.Errorf("Service.Authorize allocates %v times per call; budget is 1", n)
	}
}

// BenchmarkCheckObjects: Check on a run of requests that differ in the
// object alone (4,096 keys of one bucket), as S3's GetObject makes them,
// against benchPolicy with a Context the caller never changes: after the
// second object, Check answers from the proved resource prefix
// (resprefix.go) without evaluating.
func BenchmarkCheckObjects(b *testing.B) {
	svc, root := newTestService(b)
	mustDo(b, svc.PutUserPolicy(root, "alice", "bench", benchPolicy))
	p, err := svc.Authenticate(aliceKey(b, svc, root))
	if err != nil {
		b.Fatal(err)
	}
	reqs := make([]Request, 1<<12)
	for i := range reqs {
		reqs[i] = *benchRequest()
		reqs[i].Principal, reqs[i].ResourceAccount, reqs[i].FrozenContext = p, p.AccountID, true
		reqs[i].Context = reqs[0].Context
		reqs[i].Resource.Resource = fmt.Sprintf("training-data/shards/part-%05d.tar", i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := svc.Check(&reqs[i&(len(reqs)-1)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
