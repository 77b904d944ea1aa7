import torch
import torch.nn as nn


class Softmax(nn.Module):
    def __init__(self, dim=-1):
        super(Softmax, self).__init__()
        self.dim = dim

    def forward(self, X):
        X_exp = torch.exp(X - X.max(dim=self.dim, keepdim=True)[0])
        partition = X_exp.sum(dim=self.dim, keepdim=True)
        return X_exp / partition
