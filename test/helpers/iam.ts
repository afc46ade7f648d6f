/** IAM fixtures shared by the IAM tests. */

/** Seed 002's policy document: read one S3 bucket. */
export const s3Read = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowExampleBucket',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:ListBucket', 's3:GetObjectVersion'],
      Resource: ['arn:aws:s3:::example-bucket/*', 'arn:aws:s3:::example-bucket'],
    },
  ],
};
