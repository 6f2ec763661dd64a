using KnnCli;

return await KnnApp.RunAsync(args, new KnnServices());
