package ec2

// Authorization: every EC2 call is authorized by IAM ("Amazon EC2 API
// permissions", "UnauthorizedOperation" in the EC2 error codes), and a
// launch with an instance profile needs iam:PassRole on its role.

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/sim"
)

// userWith creates an IAM user with one inline policy and returns a client
// calling with its keys.
func (f *fixture) userWith(name, policy string) *Client {
	f.t.Helper()
	var creds iam.Credentials
	must(f.t, f.w.Setup(func(ctx context.Context) error {
		c := f.w.IAMClient(f.root)
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: name}); err != nil {
			return err
		}
		if _, err := c.PutUserPolicy(ctx, &region.PutUserPolicyInput{UserName: name, PolicyName: "p", PolicyDocument: policy}); err != nil {
			return err
		}
		k, err := c.CreateAccessKey(ctx, &region.CreateAccessKeyInput{UserName: name})
		if err != nil {
			return err
		}
		creds = k.AccessKey.Credentials()
		return nil
	}))
	return f.svc.NewClient(testRegion, creds)
}

func TestCallsWithoutPermissionAreUnauthorized(t *testing.T) {
	f := newFixture(t, 71, Options{})
	reader := f.userWith("reader", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}`)
	f.do(time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		_, err := reader.DescribeInstances(p, &DescribeInstancesInput{InstanceIds: []string{m.ID()}})
		must(t, err)
		_, err = reader.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "m5.large", MinCount: 1, MaxCount: 1})
		wantCode(t, err, "UnauthorizedOperation")
		if !strings.Contains(err.Error(), "ec2:RunInstances") || !strings.Contains(err.Error(), "user/reader") {
			t.Errorf("message does not explain: %v", err)
		}
		_, err = reader.TerminateInstances(p, &TerminateInstancesInput{InstanceIds: []string{m.ID()}})
		wantCode(t, err, "UnauthorizedOperation")
		if m.State() != InstanceStateRunning {
			t.Fatalf("unauthorized terminate changed the state to %s", m.State())
		}
		stranger := f.svc.NewClient(testRegion, iam.Credentials{AccessKeyID: "AKIANOSUCHKEY0000000", SecretAccessKey: "x"})
		_, err = stranger.DescribeInstances(p, nil)
		wantCode(t, err, "InvalidClientTokenId")
	})
}

// TestResourceLevelPermissionsApplyToEveryInstance: a user may stop only
// instances tagged team=a; stopping one of those together with another
// fails as a whole, as EC2 authorizes each resource.
func TestResourceLevelPermissionsApplyToEveryInstance(t *testing.T) {
	f := newFixture(t, 72, Options{})
	one := f.userWith("one", `{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"},
	 {"Effect":"Allow","Action":"ec2:StopInstances","Resource":"arn:aws:ec2:us-east-1:111122223333:instance/ID"}]}`)
	f.do(time.Hour, func(p *sim.Proc) {
		a := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		b := f.launch(p, RunInstancesInput{InstanceType: "m5.large"})
		pol := strings.Replace(`{"Version":"2012-10-17","Statement":[
		 {"Effect":"Allow","Action":"ec2:StopInstances","Resource":"arn:aws:ec2:us-east-1:111122223333:instance/ID"}]}`, "ID", a.ID(), 1)
		_, perr := f.w.IAMClient(f.root).PutUserPolicy(p, &region.PutUserPolicyInput{UserName: "one", PolicyName: "p", PolicyDocument: pol})
		must(t, perr)
		_, err := one.StopInstances(p, &StopInstancesInput{InstanceIds: []string{a.ID(), b.ID()}})
		wantCode(t, err, "UnauthorizedOperation")
		if a.State() != InstanceStateRunning || b.State() != InstanceStateRunning {
			t.Fatal("a refused call stopped an instance")
		}
		_, err = one.StopInstances(p, &StopInstancesInput{InstanceIds: []string{a.ID()}})
		must(t, err)
	})
}

func TestDryRun(t *testing.T) {
	f := newFixture(t, 73, Options{})
	f.do(time.Hour, func(p *sim.Proc) {
		_, err := f.c.RunInstances(p, &RunInstancesInput{ImageId: f.ami(), InstanceType: "m5.large", MinCount: 1, MaxCount: 1, DryRun: true})
		wantCode(t, err, "DryRunOperation")
		if !errors.Is(err, ErrDryRunOperation) {
			t.Error("sentinel")
		}
		out, err := f.c.DescribeInstances(p, nil)
		must(t, err)
		if len(out.Reservations) != 0 {
			t.Fatalf("dry run launched %v", out.Reservations)
		}
	})
}

func TestInstanceProfileNeedsPassRole(t *testing.T) {
	f := newFixture(t, 74, Options{})
	noPass := f.userWith("nopass", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`)
	f.do(time.Hour, func(p *sim.Proc) {
		in := &RunInstancesInput{ImageId: f.ami(), InstanceType: "m5.large", MinCount: 1, MaxCount: 1,
			IamInstanceProfile: &IamInstanceProfileSpecification{Name: "worker"}}
		_, err := noPass.RunInstances(p, in)
		wantCode(t, err, "UnauthorizedOperation")
		in.IamInstanceProfile.Name = "nosuchprofile"
		_, err = f.c.RunInstances(p, in)
		wantCode(t, err, "InvalidParameterValue")
	})
}

// TestInstanceProfileCredentialsRefreshedBeforeExpiry reads the role's
// credentials from the metadata service over a day: each set is valid
// when read, and a new set is served before the old one expires
// (iam.InstanceProfileSessionDuration = 6 h; the IMDS rotates at least
// CredentialRefreshMargin ahead). The credentials work: with them the
// instance's process calls EC2 as the role.
func TestInstanceProfileCredentialsRefreshedBeforeExpiry(t *testing.T) {
	f := newFixture(t, 75, Options{})
	must(t, f.w.Setup(func(ctx context.Context) error {
		_, err := f.w.IAMClient(f.root).PutRolePolicy(ctx, &region.PutRolePolicyInput{RoleName: "worker", PolicyName: "describe",
			PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeInstances","Resource":"*"}]}`})
		return err
	}))
	type creds struct {
		AccessKeyId, SecretAccessKey, Token string
		Expiration                          time.Time
	}
	var seen []creds
	var callErr error
	f.do(26*time.Hour, func(p *sim.Proc) {
		m := f.launch(p, RunInstancesInput{InstanceType: "m5.large", IamInstanceProfile: &IamInstanceProfileSpecification{Name: "worker"}})
		_, err := m.Go("app", func(q *sim.Proc) {
			role, err := GetMetadata(q, "iam/security-credentials/")
			must(t, err)
			if role != "worker" {
				t.Errorf("role %q", role)
			}
			for i := 0; i < 24*6; i++ { // every 10 minutes for a day
				body, err := GetMetadata(q, "iam/security-credentials/"+role)
				must(t, err)
				var c creds
				must(t, json.Unmarshal([]byte(body), &c))
				if !f.env.NowTime().Before(c.Expiration.Add(-CredentialRefreshMargin + time.Second)) {
					t.Fatalf("served credentials expiring at %v at %v", c.Expiration, f.env.NowTime())
				}
				if len(seen) == 0 || seen[len(seen)-1].AccessKeyId != c.AccessKeyId {
					seen = append(seen, c)
				}
				if i == 0 {
					cl := f.svc.NewClient(testRegion, iam.Credentials{AccessKeyID: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, SessionToken: c.Token})
					_, callErr = cl.DescribeInstances(q, nil)
				}
				q.Sleep(10 * time.Minute)
			}
		})
		must(t, err)
	})
	if callErr != nil {
		t.Fatalf("call with the role's credentials: %v", callErr)
	}
	if len(seen) < 4 {
		t.Fatalf("%d credential sets in a day of 6-hour sessions", len(seen))
	}
	for i := 1; i < len(seen); i++ {
		if !seen[i].Expiration.After(seen[i-1].Expiration) {
			t.Errorf("set %d expires %v, not after %v", i, seen[i].Expiration, seen[i-1].Expiration)
		}
	}
}
