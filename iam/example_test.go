package iam_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/sim"
)

func ExampleParseARN() {
	a, err := iam.ParseARN("arn:aws:iam::111122223333:role/ml/Trainer")
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Service, a.Region == "", a.AccountID)
	fmt.Println(a.ResourceType(), a.Path(), a.Name())

	obj := iam.MustParseARN("arn:aws:s3:::training-data/shards/part-0.tar")
	fmt.Printf("region %q account %q resource %q\n", obj.Region, obj.AccountID, obj.Resource)

	_, err = iam.ParseARN("arn:aws:s3:training-data")
	fmt.Println(err)
	// Output:
	// iam true 111122223333
	// role /ml/ Trainer
	// region "" account "" resource "training-data/shards/part-0.tar"
	// iam: invalid ARN "arn:aws:s3:training-data": want arn:partition:service:region:account-id:resource (6 sections)
}

func ExamplePolicy_Evaluate() {
	pol := iam.MustParsePolicy(`{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
	    {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"},
	    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*",
	     "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}
	  ]}`)
	bob := iam.ServicePrincipal("ec2.amazonaws.com") // any principal will do for Evaluate
	for _, r := range []struct{ action, res string }{
		{"s3:PutObject", "arn:aws:s3:::data/x"},
		{"S3:deleteBucket", "arn:aws:s3:::data"},
		{"ec2:RunInstances", "arn:aws:ec2:us-east-1:111122223333:instance/*"},
	} {
		req := &iam.Request{Principal: bob, Action: r.action, Resource: iam.MustParseARN(r.res)}
		fmt.Println(r.action, "->", pol.Evaluate(req))
	}
	// Output:
	// s3:PutObject -> Allow
	// S3:deleteBucket -> Deny
	// ec2:RunInstances -> NotApplicable
}

// The classic mistake, explained: ListBucket granted on the objects only.
func ExampleDecision_Explain() {
	env := sim.New(1)
	defer env.Close()
	svc := iam.NewService(env)
	root, _ := svc.CreateAccount("111122223333")
	svc.CreateUser(root, iam.CreateUserInput{UserName: "alice"})
	svc.PutUserPolicy(root, "alice", "rw", `{"Version":"2012-10-17","Statement":[
	  {"Sid":"ReadWrite","Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":"arn:aws:s3:::b/*"}]}`)
	key, _ := svc.CreateAccessKey(root, "alice")
	p, _ := svc.Authenticate(key.Credentials())
	d := svc.Authorize(&iam.Request{Principal: p, Action: "s3:ListBucket",
		Resource: iam.MustParseARN("arn:aws:s3:::b"), ResourceAccount: "111122223333"})
	fmt.Println(d.Err())
	fmt.Print(d.Explain())
	// Output:
	// api error AccessDenied: User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:ListBucket on resource: arn:aws:s3:::b because no identity-based policy allows the s3:ListBucket action
	// Request: arn:aws:iam::111122223333:user/alice wants s3:ListBucket on arn:aws:s3:::b (same account 111122223333)
	// Decision: DENY (implicit) — no identity-based policy allows s3:ListBucket; everything not allowed is denied by default.
	// Identity-based policies:
	//   inline policy "rw" of user alice:
	//     statement 0 (Sid "ReadWrite"): Allow Action [s3:ListBucket s3:GetObject] Resource [arn:aws:s3:::b/*] — does not apply: the resource arn:aws:s3:::b does not match
	// Hint: ListBucket applies to the bucket ARN arn:aws:s3:::b, not to objects (arn:aws:s3:::b/*). Add "arn:aws:s3:::b" to the statement's Resource.
}

func ExampleService_AssumeRole() {
	env := sim.New(1)
	defer env.Close()
	svc := iam.NewService(env)
	root, _ := svc.CreateAccount("111122223333")
	svc.CreateRole(root, iam.CreateRoleInput{
		RoleName: "Trainer",
		AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		  "Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"sts:AssumeRole"}]}`,
	})
	svc.CreateUser(root, iam.CreateUserInput{UserName: "alice"})
	key, _ := svc.CreateAccessKey(root, "alice")

	out, err := svc.AssumeRole(key.Credentials(), iam.AssumeRoleInput{
		RoleArn:         iam.MustParseARN("arn:aws:iam::111122223333:role/Trainer"),
		RoleSessionName: "epoch-1",
		Duration:        15 * time.Minute,
	})
	if err != nil {
		panic(err)
	}
	creds := out.Credentials
	fmt.Println(out.AssumedRoleUser.Arn, creds.AccessKeyID[:4], creds.Expiration.Format(time.RFC3339))

	for _, d := range []time.Duration{14 * time.Minute, time.Minute} {
		env.RunFor(d)
		id, err := svc.GetCallerIdentity(creds)
		switch {
		case errors.Is(err, iam.ErrExpiredToken):
			fmt.Println(env.NowTime().Format(time.Kitchen), "ExpiredToken:", err)
		case err == nil:
			fmt.Println(env.NowTime().Format(time.Kitchen), "still", id.Arn.Name())
		}
	}
	// Output:
	// arn:aws:sts::111122223333:assumed-role/Trainer/epoch-1 ASIA 2026-01-01T00:15:00Z
	// 12:14AM still epoch-1
	// 12:15AM ExpiredToken: api error ExpiredToken: The security token included in the request is expired
}
