export { TestCluster, type ClusterOptions, type GraphQLAnswer } from '../../../ops/src/cluster';
