package s3_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/aws/smithy-go"
	"github.com/nimbus-sim/nimbus/iam"
	"github.com/nimbus-sim/nimbus/region"
	"github.com/nimbus-sim/nimbus/s3"
	"github.com/nimbus-sim/nimbus/sim"
)

// world builds a world with S3 and an IAM user per account allowed s3:*
// by its identity policy, and returns S3 clients for them.
func world(accounts ...string) (*sim.Env, *s3.Service, []*s3.Client) {
	env := sim.New(1)
	w := region.MustNewWorld(env, region.Options{HostsPerAZ: map[string]int{}})
	svc := s3.MustNew(w, s3.Options{})
	var clients []*s3.Client
	for _, acct := range accounts {
		root, err := w.IAM().CreateAccount(acct)
		if err != nil {
			panic(err)
		}
		if _, err := w.IAM().CreateUser(root, iam.CreateUserInput{UserName: "dev"}); err != nil {
			panic(err)
		}
		if err := w.IAM().PutUserPolicy(root, "dev", "s3", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`); err != nil {
			panic(err)
		}
		k, err := w.IAM().CreateAccessKey(root, "dev")
		if err != nil {
			panic(err)
		}
		clients = append(clients, svc.NewClient("us-east-1", k.Credentials()))
	}
	return env, svc, clients
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}

func ExampleClient_PutObject() {
	env, _, c := world("111122223333")
	defer env.Close()
	env.Go("app", func(p *sim.Proc) {
		_, err := c[0].CreateBucket(p, &s3.CreateBucketInput{Bucket: "checkpoints"})
		check(err)
		put, err := c[0].PutObject(p, &s3.PutObjectInput{Bucket: "checkpoints", Key: "run-1/step-100",
			Body: bytes.NewReader([]byte("weights")), ContentType: "application/octet-stream"})
		check(err)
		get, err := c[0].GetObject(p, &s3.GetObjectInput{Bucket: "checkpoints", Key: "run-1/step-100"})
		check(err)
		body, _ := io.ReadAll(get.Body)
		fmt.Println(string(body), put.ETag == get.ETag, *get.ContentLength)
		_, err = c[0].GetObject(p, &s3.GetObjectInput{Bucket: "checkpoints", Key: "run-1/step-200"})
		fmt.Println(errors.Is(err, s3.ErrNoSuchKey), s3ErrCode(err))
	})
	env.Run()
	// Output:
	// weights true 7
	// true NoSuchKey
}

func ExampleNewListObjectsV2Paginator() {
	env, _, c := world("111122223333")
	defer env.Close()
	env.Go("app", func(p *sim.Proc) {
		_, err := c[0].CreateBucket(p, &s3.CreateBucketInput{Bucket: "dataset"})
		check(err)
		for i := range 2500 {
			// Size-only objects: a study of many objects needs no bytes.
			_, err := c[0].PutObject(p, &s3.PutObjectInput{Bucket: "dataset", Key: fmt.Sprintf("train/%05d.tfrecord", i), ContentLength: s3.Int64(1 << 20)})
			check(err)
		}
		pg := s3.NewListObjectsV2Paginator(c[0], &s3.ListObjectsV2Input{Bucket: "dataset", Prefix: "train/"})
		for pg.HasMorePages() {
			page, err := pg.NextPage(p)
			check(err)
			fmt.Println(page.KeyCount, page.Contents[0].Key, page.IsTruncated)
		}
	})
	env.Run()
	// Output:
	// 1000 train/00000.tfrecord true
	// 1000 train/01000.tfrecord true
	// 500 train/02000.tfrecord false
}

func ExampleUploader() {
	env, _, c := world("111122223333")
	defer env.Close()
	env.Go("app", func(p *sim.Proc) {
		_, err := c[0].CreateBucket(p, &s3.CreateBucketInput{Bucket: "models"})
		check(err)
		// A 100 MiB size-only model: above the 8 MiB threshold, so it goes
		// up in 5 MiB parts, five at a time.
		up := s3.NewUploader(c[0])
		out, err := up.Upload(p, &s3.PutObjectInput{Bucket: "models", Key: "llm.bin", ContentLength: s3.Int64(100 << 20)})
		check(err)
		fmt.Println(out.Parts, "parts, ETag ends", out.ETag[len(out.ETag)-4:])
		n, err := s3.NewDownloader(c[0]).Download(p, nil, &s3.GetObjectInput{Bucket: "models", Key: "llm.bin"})
		check(err)
		fmt.Println(n>>20, "MiB downloaded")
	})
	env.Run()
	// Output:
	// 20 parts, ETag ends -20"
	// 100 MiB downloaded
}

func ExampleClient_PutBucketPolicy() {
	env, _, c := world("111122223333", "444455556666")
	defer env.Close()
	owner, partner := c[0], c[1]
	env.Go("app", func(p *sim.Proc) {
		_, err := owner.CreateBucket(p, &s3.CreateBucketInput{Bucket: "shared-results"})
		check(err)
		_, err = owner.PutObject(p, &s3.PutObjectInput{Bucket: "shared-results", Key: "eval.json", Body: bytes.NewReader([]byte("{}"))})
		check(err)
		_, err = partner.GetObject(p, &s3.GetObjectInput{Bucket: "shared-results", Key: "eval.json"})
		fmt.Println("before:", s3ErrCode(err))
		_, err = owner.PutBucketPolicy(p, &s3.PutBucketPolicyInput{Bucket: "shared-results", Policy: `{
			"Version": "2012-10-17",
			"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
				"Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared-results/*"}]}`})
		check(err)
		_, err = partner.GetObject(p, &s3.GetObjectInput{Bucket: "shared-results", Key: "eval.json"})
		fmt.Println("after:", err == nil)
	})
	env.Run()
	// Output:
	// before: AccessDenied
	// after: true
}

// s3ErrCode returns the AWS error code, as aws-sdk-go-v2 code reads it.
func s3ErrCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return fmt.Sprint(err)
}

func Example_publicReadObject() {
	env, svc, c := world("111122223333")
	defer env.Close()
	owner := c[0]
	anonymous := svc.NewClient("us-east-1", iam.Credentials{}) // no credentials: the anonymous principal
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
		"Action":"s3:GetObject","Resource":"arn:aws:s3:::public-assets/*"}]}`
	env.Go("app", func(p *sim.Proc) {
		_, err := owner.CreateBucket(p, &s3.CreateBucketInput{Bucket: "public-assets"})
		check(err)
		_, err = owner.PutObject(p, &s3.PutObjectInput{Bucket: "public-assets", Key: "logo.svg", Body: bytes.NewReader([]byte("<svg/>"))})
		check(err)
		// Block Public Access is on for new buckets: the public policy is refused.
		_, err = owner.PutBucketPolicy(p, &s3.PutBucketPolicyInput{Bucket: "public-assets", Policy: policy})
		fmt.Println("with Block Public Access:", s3ErrCode(err))
		_, err = owner.PutPublicAccessBlock(p, &s3.PutPublicAccessBlockInput{Bucket: "public-assets",
			PublicAccessBlockConfiguration: &s3.PublicAccessBlockConfiguration{}})
		check(err)
		_, err = owner.PutBucketPolicy(p, &s3.PutBucketPolicyInput{Bucket: "public-assets", Policy: policy})
		check(err)
		get, err := anonymous.GetObject(p, &s3.GetObjectInput{Bucket: "public-assets", Key: "logo.svg"})
		check(err)
		body, _ := io.ReadAll(get.Body)
		fmt.Println("anonymous read:", string(body))
	})
	env.Run()
	// Output:
	// with Block Public Access: AccessDenied
	// anonymous read: <svg/>
}
